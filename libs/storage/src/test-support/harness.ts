import { FakeScheduler } from '@tributary/util';
import { SimulatedDisk } from '../disk/simulated-disk';
import type { LogConfig } from '../core/log-config';
import { LogManager } from '../log-manager';
import type { Log } from '../log/log';
import { CapturingStorageLogger } from '../log/logger';

export const T0 = 1_700_000_000_000;

/** A single-dir LogManager on a SimulatedDisk with a FakeScheduler, reopenable after shutdown or crash. */
export class SimHarness {
  readonly disk: SimulatedDisk;
  readonly scheduler = new FakeScheduler(T0);
  readonly logger = new CapturingStorageLogger();
  manager!: LogManager;

  constructor(
    readonly config: Partial<LogConfig> = {},
    readonly seed = 1,
    readonly dirs: string[] = ['/data'],
    readonly extra: { maxOpenFiles?: number } = {},
  ) {
    this.disk = new SimulatedDisk({ seed, clock: this.scheduler });
  }

  async open(): Promise<LogManager> {
    this.manager = await LogManager.open({
      disk: this.disk,
      logDirs: this.dirs,
      scheduler: this.scheduler,
      logger: this.logger,
      defaultConfig: this.config,
      maxOpenFiles: this.extra.maxOpenFiles,
    });
    return this.manager;
  }

  log(partition = 0, topic = 't'): Log {
    return this.manager.getOrCreateLog({ topic, partition });
  }

  async restart(): Promise<LogManager> {
    await this.manager.shutdown();
    return this.open();
  }

  /** A power cut: the running manager stops dead (nothing of it runs on), the disk loses what a crash loses. */
  async crash(mode: 'tear' | 'drop' | 'last' = 'tear'): Promise<LogManager> {
    this.manager.abandon();
    this.disk.crash({ mode });
    return this.open();
  }

  warnings(): string[] {
    return this.logger.messages('warn');
  }
}
