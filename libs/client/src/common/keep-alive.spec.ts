import { keepAliveWhile, processKeepAlive } from './keep-alive';

describe('processKeepAlive', () => {
  it('holds one ref\'d interval while work is pending, and none once it is done', async () => {
    const active = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = active();
    const keepAlive = processKeepAlive();
    let finish: () => void = () => undefined;
    const first = keepAliveWhile(keepAlive, new Promise<void>((resolve) => (finish = resolve)));
    const second = keepAliveWhile(keepAlive, Promise.resolve());
    expect(active()).toBe(before + 1);
    await second;
    expect(active()).toBe(before + 1);
    finish();
    await first;
    expect(active()).toBe(before);
  });
});
