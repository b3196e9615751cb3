/**
 * Canonical name of a `cleanup.policy` value. Kafka's `cleanup.policy` is a
 * list (`delete`, `compact`, `compact,delete`, `delete,compact`); policies are
 * registered under the canonical form: entries trimmed, de-duplicated, sorted
 * and joined by ',' (so both orders select `compact,delete`).
 */
export function normalizeCleanupPolicyName(policy: string | readonly string[]): string {
  const parts = typeof policy === 'string' ? policy.split(',') : policy;
  const names = [...new Set(parts.map((p) => p.trim()).filter((p) => p.length > 0))].sort();
  return names.join(',');
}
