import { type RunningBroker, expectOneLineFailure, runTributary, startBroker } from './support/cli-harness';

/** The last stdout line, which --json promises is one JSON object. */
function lastJsonLine(stdout: string): Record<string, number> {
  const lines = stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

describe('tributary perf (small runs against a real broker)', () => {
  let broker: RunningBroker;
  const cli = (...args: string[]) => runTributary([...args, '--bootstrap-server', broker.bootstrap]);

  beforeAll(async () => {
    broker = await startBroker();
    expect((await cli('topics', 'create', 'perf', '--partitions', '2')).code).toBe(0);
  });

  it('perf produce sends every record and ends with a JSON line of figures with units', async () => {
    const result = await cli('perf', 'produce', '--topic', 'perf', '--num-records', '3000', '--record-size', '200', '--throughput', '-1', '--acks', '1', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Not a TTY: no progress line, just the summary and the JSON.
    expect(result.stdout).not.toContain('\r');
    expect(result.stdout.split('\n')[0]).toMatch(/^3000 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), send-to-ack latency ms: avg [\d.]+, p50 [\d.]+, p95/);
    const figures = lastJsonLine(result.stdout);
    expect(figures).toMatchObject({ records: 3000, errors: 0, recordSizeBytes: 200 });
    for (const name of ['recordsPerSec', 'mbPerSec', 'p50Ms', 'p95Ms', 'p99Ms', 'p999Ms', 'maxLatencyMs']) expect(figures[name]).toBeGreaterThan(0);
    expect(figures['p50Ms']).toBeLessThanOrEqual(figures['p99Ms']);
    expect(figures['p99Ms']).toBeLessThanOrEqual(figures['maxLatencyMs']);
    expect(figures['mbPerSec']).toBeCloseTo((figures['recordsPerSec'] * 200) / 2 ** 20, 2);
  });

  it('perf produce paces a throttled run to about the asked rate', async () => {
    const result = await cli('perf', 'produce', '--topic', 'perf', '--num-records', '600', '--record-size', '64', '--throughput', '1000', '--json');
    expect(result.code).toBe(0);
    const figures = lastJsonLine(result.stdout);
    // 600 records at 1000/s take at least ~0.6 s whatever the machine; a slow machine may take longer.
    expect(figures['elapsedMs']).toBeGreaterThanOrEqual(580);
    expect(figures['recordsPerSec']).toBeLessThanOrEqual(1050);
  });

  it('perf consume reads the records back from the beginning', async () => {
    const result = await cli('perf', 'consume', '--topic', 'perf', '--num-records', '3600', '--timeout-ms', '10000', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const figures = lastJsonLine(result.stdout);
    expect(figures).toMatchObject({ records: 3600, errors: 0 });
    expect(figures['recordsPerSec']).toBeGreaterThan(0);
    expect(figures['p99Ms']).toBeGreaterThanOrEqual(figures['p50Ms']);
  });

  it('perf consume fails on one line when fewer records arrive than asked', async () => {
    const result = await cli('perf', 'consume', '--topic', 'perf', '--num-records', '999999', '--timeout-ms', '1000', '--json');
    expect(expectOneLineFailure(result)).toMatch(/^tributary: consumed 3600 of 999999 records: none arrived for 1000 ms \(REQUEST_TIMED_OUT\)$/);
    expect(lastJsonLine(result.stdout).records).toBe(3600);
  });

  it('perf flags are checked before connecting', async () => {
    expect(expectOneLineFailure(await runTributary(['perf', 'produce', '--num-records', '10']), 2)).toBe('tributary: --topic is required');
    expect(expectOneLineFailure(await runTributary(['perf', 'produce', '--topic', 't', '--num-records', '10', '--throughput', '0']), 2)).toMatch(/--throughput must be -1/);
  });
});
