import { existsSync } from 'node:fs';
import path from 'node:path';
import { MAX_LINE_CHARS, isProcessAlive, spawnProcess } from './process-harness';
import { waitUntil } from './wait';

/** Runs a small script in a fresh node. */
const node = (script: string, options: Omit<Parameters<typeof spawnProcess>[0], 'command' | 'args'> = {}) =>
  spawnProcess({ command: process.execPath, args: ['-e', script], name: 'node -e', ...options });

const SERVER = `
const server = require('node:net').createServer();
server.listen(0, '127.0.0.1', () => console.log('grpc=127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => { console.log('stopping'); server.close(() => process.exit(0)); });
`;

describe('spawnProcess', () => {
  it('resolves ready with the matched line and its groups', async () => {
    const handle = node(SERVER, { readyPattern: /grpc=(?<host>[\d.]+):(?<port>\d+)/ });
    const ready = await handle.ready;
    expect(ready.line).toMatch(/^grpc=127\.0\.0\.1:\d+$/);
    expect(ready.groups.host).toBe('127.0.0.1');
    expect(Number(ready.groups.port)).toBeGreaterThan(0);
    expect(ready.match[2]).toBe(ready.groups.port);
    expect(isProcessAlive(handle.pid as number)).toBe(true);
  });

  it('captures stdout and stderr lines, including a line split across writes and a last line without newline', async () => {
    const handle = node("process.stdout.write('one\\ntw'); setTimeout(() => { process.stdout.write('o\\r\\n'); console.error('three'); process.stdout.write('four'); }, 20);");
    expect(await handle.exited).toEqual({ code: 0, signal: null });
    // Lines of one stream keep their order; the two pipes may interleave either way.
    const lines = handle.output();
    expect([...lines].sort()).toEqual(['four', 'one', 'three', 'two']);
    expect(lines.filter((l) => l !== 'three')).toEqual(['one', 'two', 'four']);
    expect(handle.lineCount).toBe(4);
  });

  it('reports exit codes, and kill() reports the signal', async () => {
    expect(await node('process.exit(3)').exited).toEqual({ code: 3, signal: null });
    const handle = node('setInterval(() => {}, 1000)');
    await handle.ready;
    expect(await handle.kill()).toEqual({ code: null, signal: 'SIGKILL' });
    expect(handle.exitInfo).toEqual({ code: null, signal: 'SIGKILL' });
    expect(isProcessAlive(handle.pid as number)).toBe(false);
  });

  it('stops gracefully with SIGTERM, or SIGKILLs after the deadline', async () => {
    const graceful = node(SERVER, { readyPattern: 'grpc=' });
    await graceful.ready;
    expect(await graceful.stop()).toEqual({ code: 0, signal: null });
    expect(graceful.output()).toContain('stopping');

    const stubborn = node("process.on('SIGTERM', () => console.log('ignored')); console.log('up'); setInterval(() => {}, 1000);", { readyPattern: 'up' });
    await stubborn.ready;
    expect(await stubborn.stop(200)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(stubborn.output()[0]).toBe('up');
  });

  it('rejects ready on timeout, and kills the process', async () => {
    const handle = node('setInterval(() => {}, 1000)', { readyPattern: /never/, readyTimeoutMs: 300 });
    await expect(handle.ready).rejects.toThrow(/^process "node -e" \(pid \d+\) did not print \/never\/ within 300 ms; last output:\n/);
    expect((await handle.exited).signal).toBe('SIGKILL');
  });

  it('shows the last output lines when a wait times out', async () => {
    const handle = node("console.log('starting'); console.log('listening on 0.0.0.0:1'); setInterval(() => {}, 1000)");
    await handle.waitForLine('listening');
    await expect(handle.waitForLine(/grpc=/, { timeoutMs: 50 })).rejects.toThrow(/did not print \/grpc=\/ within 50 ms; last output:\n {2}\| starting\n {2}\| listening on 0\.0\.0\.0:1$/);
    expect(isProcessAlive(handle.pid as number)).toBe(true);
  });

  it('rejects ready when the process exits first', async () => {
    const handle = node("console.error('bad config'); process.exit(2)", { readyPattern: 'ready' });
    await expect(handle.ready).rejects.toThrow(/exited \(code 2\) without printing \/ready\/; last output:\n {2}\| bad config/);
  });

  it('reports a command that cannot start', async () => {
    const handle = spawnProcess({ command: '/nonexistent/tributary-binary' });
    await expect(handle.ready).rejects.toThrow(/could not start: spawn \/nonexistent\/tributary-binary ENOENT/);
    const exit = await handle.exited;
    expect(exit.code).toBeNull();
    expect(exit.error?.message).toMatch(/ENOENT/);
  });

  it('waits for later lines, from a given line number on', async () => {
    const handle = node("let n = 0; const t = setInterval(() => { console.log('tick ' + ++n); if (n === 3) clearInterval(t); }, 10);");
    await handle.waitForLine('tick 1');
    const since = handle.lineCount;
    const match = await handle.waitForLine(/tick (\d)/, { since });
    expect(Number(match.match[1])).toBeGreaterThan(1);
    await handle.exited;
    expect((await handle.waitForLine(/tick 3/)).line).toBe('tick 3');
    await expect(handle.waitForLine('tick 4')).rejects.toThrow(/exited \(code 0\) without printing/);
  });

  it('keeps only the newest lines when told to', async () => {
    const handle = node('for (let i = 0; i < 10; i++) console.log(i)', { maxCapturedLines: 3 });
    await handle.exited;
    expect(handle.output()).toEqual(['7', '8', '9']);
    expect(handle.lineCount).toBe(10);
    await expect(handle.waitForLine(/^8$/, { since: 0 })).resolves.toMatchObject({ line: '8' });
  });

  it('cuts an endless line into MAX_LINE_CHARS pieces', async () => {
    const handle = node(`process.stdout.write('x'.repeat(${MAX_LINE_CHARS} * 2 + 5))`);
    await handle.exited;
    expect(handle.output().map((line) => line.length)).toEqual([MAX_LINE_CHARS, MAX_LINE_CHARS, 5]);
  });

  it('passes env and cwd, and drops inherited TRIBUTARY_ variables', async () => {
    process.env['TRIBUTARY_LEAKY_SETTING'] = 'from the shell';
    try {
      const handle = node('console.log(JSON.stringify([process.env.TRIBUTARY_LEAKY_SETTING, process.env.TRIBUTARY_LOG_DIRS, process.env.HOME, process.cwd()]))', {
        env: { TRIBUTARY_LOG_DIRS: '/x', HOME: undefined },
        cwd: path.dirname(__dirname),
      });
      await handle.exited;
      expect(JSON.parse(handle.output()[0])).toEqual([null, '/x', null, path.dirname(__dirname)]);
    } finally {
      delete process.env['TRIBUTARY_LEAKY_SETTING'];
    }
  });

  it('kills what the process started, with it', async () => {
    const parent = node(
      "const c = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); console.log('child=' + c.pid); setInterval(() => {}, 1000);",
      { readyPattern: /child=(?<pid>\d+)/ },
    );
    const grandchild = Number((await parent.ready).groups.pid);
    expect(isProcessAlive(grandchild)).toBe(true);
    await parent.kill();
    await waitUntil(() => !isProcessAlive(grandchild), { what: `grandchild ${grandchild} to die` });
  });

  it('kills stragglers when the process exits on its own', async () => {
    const parent = node(
      "const c = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); console.log('child=' + c.pid); c.unref();",
    );
    const grandchild = Number((await parent.waitForLine(/child=(?<pid>\d+)/)).groups.pid);
    await parent.exited;
    await waitUntil(() => !isProcessAlive(grandchild), { what: `grandchild ${grandchild} to die` });
  });
});

describe('spawnProcess tracking', () => {
  let leakedPid: number | undefined;

  it('leaves a process running at the end of a test (on purpose)', async () => {
    const handle = node("console.log('up'); setInterval(() => {}, 1000)", { readyPattern: 'up' });
    await handle.ready;
    leakedPid = handle.pid;
  });

  it('has killed it before the next test', () => {
    expect(leakedPid).toBeDefined();
    expect(isProcessAlive(leakedPid as number)).toBe(false);
  });

  describe('processes started in beforeAll', () => {
    let shared: ReturnType<typeof node>;
    beforeAll(async () => {
      shared = node("console.log('up'); setInterval(() => {}, 1000)", { readyPattern: 'up' });
      await shared.ready;
    });

    it('live across tests', () => {
      expect(isProcessAlive(shared.pid as number)).toBe(true);
    });

    it('until the file is done', () => {
      expect(isProcessAlive(shared.pid as number)).toBe(true);
    });
  });

  it('are cleaned up by the janitor even when the test process is SIGKILLed', async () => {
    const workspaceRoot = path.resolve(__dirname, '../../../..');
    const fixture = path.join(__dirname, 'fixtures', 'crashing-test-process.ts');
    const crasher = spawnProcess({ command: process.execPath, args: [path.join(workspaceRoot, 'tools/scripts/run-ts.mjs'), fixture], cwd: workspaceRoot, readyPattern: /child=(?<pid>\d+) dir=(?<dir>\S+)/, readyTimeoutMs: 20_000 });
    const { pid, dir } = (await crasher.ready).groups;
    expect((await crasher.exited).signal).toBe('SIGKILL');
    await waitUntil(() => !isProcessAlive(Number(pid)) && !existsSync(dir), { what: 'the janitor to clean up', timeoutMs: 10_000 });
  });
});
