/**
 * Polls `condition` until it returns true (or a truthy promise), failing after
 * `timeoutMs`. For conditions outside the test's control — another process
 * dying, a file appearing — never as a sleep to order the test's own steps.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, options: { readonly timeoutMs?: number; readonly intervalMs?: number; readonly what?: string } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what ?? 'condition'}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}
