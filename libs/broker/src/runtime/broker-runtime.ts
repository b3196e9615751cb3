import { TributaryError } from '@tributary/errors';
import {
  CLUSTER_METADATA_TOPIC,
  registerBroker as registerBrokerRecord,
  SecurityProtocol,
  unfenceBroker,
  type UuidGenerator,
} from '@tributary/metadata';
import { type Disk, type LoadSummary, LogManager, NodeDisk, type StorageLogger } from '@tributary/storage';
import { type Cancellable, type Prng, type Scheduler } from '@tributary/util';
import { type BrokerConfigModel, NO_BROKER_DYNAMIC_CONFIGS } from '../config/broker-config-model';
import { AutoTopicCreator } from '../metadata/auto-topic-creator';
import { LocalController } from '../metadata/local-controller';
import { ProducerIdManager } from '../metadata/producer-id-manager';
import { StorageMetadataLog } from '../metadata/storage-metadata-log';
import { ReplicaManager } from '../replica/replica-manager';
import { SUPPORTED_METADATA_VERSION } from '../handlers/api-versions-handler';
import { RequestBytesLimiter } from './request-bytes-limiter';

/** Kafka's producer.id.expiration.check.interval.ms. */
export const PRODUCER_EXPIRATION_CHECK_INTERVAL_MS = 10 * 60 * 1000;
/** The listener name the native gRPC endpoint is registered under. */
export const GRPC_LISTENER_NAME = 'GRPC';

/** A background service started with the broker and stopped before its logs close (e.g. the log cleaner). */
export interface BrokerBackgroundService {
  start(): void;
  stop(): Promise<void>;
}

/** Everything a BrokerRuntime is opened with; the app passes real clocks and ids, tests seeded ones. */
export interface BrokerRuntimeOptions {
  readonly config: BrokerConfigModel;
  readonly scheduler: Scheduler;
  readonly logger: StorageLogger;
  /** Topic ids for new topics (the app passes crypto.randomUUID; tests a seeded generator). */
  readonly newTopicId: UuidGenerator;
  /** Incarnation ids of this process's broker registration. */
  readonly newIncarnationId: UuidGenerator;
  /** Replica placement's randomness. */
  readonly prng: Prng;
  readonly clusterId: string;
  /** Default: the real file system. */
  readonly disk?: Disk;
  /** Builds background services over the opened runtime (the retention/compaction cleaner). */
  readonly backgroundServices?: (runtime: BrokerRuntime) => readonly BrokerBackgroundService[];
}

/**
 * The single-node broker's moving parts, opened in order: the LogManager over
 * `log.dirs` (clean start or crash recovery), the metadata log
 * (`__cluster_metadata-0`) replayed into the image through the
 * {@link LocalController}, whose delta creates and opens the partition logs
 * (rebuilding producer state), then the background services. The app binds
 * the gRPC server over the handlers and calls {@link registerListener} with
 * the bound port; shutdown runs the other way round.
 */
export class BrokerRuntime {
  readonly controller: LocalController;
  readonly replicaManager: ReplicaManager;
  readonly autoTopicCreator: AutoTopicCreator;
  readonly producerIds: ProducerIdManager;
  readonly produceLimiter: RequestBytesLimiter;
  private readonly services: BrokerBackgroundService[] = [];
  private expirationTimer: Cancellable | undefined;
  private closed = false;

  private constructor(
    readonly options: BrokerRuntimeOptions,
    /** The disk the logs live on. */
    readonly disk: Disk,
    readonly logManager: LogManager,
    readonly metadataLog: StorageMetadataLog,
  ) {
    const { config, scheduler, logger } = options;
    this.controller = new LocalController(metadataLog);
    this.replicaManager = new ReplicaManager({ logManager, scheduler, config, logger });
    this.controller.addListener((delta) => this.replicaManager.applyDelta(delta));
    this.autoTopicCreator = new AutoTopicCreator(this.controller, config, options.newTopicId, options.prng);
    this.producerIds = new ProducerIdManager(this.controller, config.settings.nodeId);
    this.produceLimiter = new RequestBytesLimiter(scheduler, config.settings.queuedMaxRequestBytes);
  }

  /** Opens storage and metadata and brings the partitions up; throws KAFKA_STORAGE_ERROR when the metadata log is unusable. */
  static async open(options: BrokerRuntimeOptions): Promise<BrokerRuntime> {
    const { config, scheduler, logger } = options;
    const disk = options.disk ?? new NodeDisk();
    const logManager = await LogManager.open({
      disk,
      logDirs: config.settings.logDirs,
      scheduler,
      logger,
      defaultConfig: config.topicSettings(new Map(), NO_BROKER_DYNAMIC_CONFIGS).logConfig,
      checkpointIntervalMs: config.settings.offsetCheckpointIntervalMs,
    });
    try {
      const log = logManager.getOrCreateLog({ topic: CLUSTER_METADATA_TOPIC, partition: 0 });
      const runtime = new BrokerRuntime(options, disk, logManager, new StorageMetadataLog(log, scheduler));
      await runtime.controller.load();
      runtime.replicaManager.removeStrayLogs();
      runtime.startBackground();
      return runtime;
    } catch (error) {
      await logManager.shutdown().catch(() => undefined);
      throw error;
    }
  }

  /** What the LogManager found at start-up, one entry per log dir. */
  get loadSummaries(): readonly LoadSummary[] {
    return this.logManager.loadSummaries;
  }

  /** Whether every log dir had a clean-shutdown marker (no recovery scan ran). */
  get cleanStart(): boolean {
    return this.loadSummaries.every((s) => s.hadCleanShutdown && s.recoveredLogs === 0);
  }

  private startBackground(): void {
    for (const service of this.options.backgroundServices?.(this) ?? []) {
      service.start();
      this.services.push(service);
    }
    this.armProducerExpiration();
  }

  private armProducerExpiration(): void {
    this.expirationTimer = this.options.scheduler.schedule(PRODUCER_EXPIRATION_CHECK_INTERVAL_MS, () => {
      if (this.closed) return;
      this.replicaManager.expireProducers();
      this.armProducerExpiration();
    });
  }

  /**
   * Registers this broker with its bound gRPC endpoint (a RegisterBrokerRecord,
   * then unfencing), as a broker does with the controller when it starts.
   */
  async registerListener(host: string, port: number): Promise<void> {
    const { config } = this.options;
    const brokerId = config.settings.nodeId;
    const registered = await this.controller.run((image, writeOffset) =>
      registerBrokerRecord(
        image,
        {
          brokerId,
          clusterId: this.options.clusterId,
          incarnationId: this.options.newIncarnationId(),
          endpoints: [{ name: GRPC_LISTENER_NAME, host, port, securityProtocol: SecurityProtocol.PLAINTEXT }],
          rack: null,
          features: [{ name: 'metadata.version', minSupportedVersion: SUPPORTED_METADATA_VERSION.min, maxSupportedVersion: SUPPORTED_METADATA_VERSION.max }],
        },
        { writeOffset, clusterId: this.options.clusterId, hasActiveSession: () => false },
      ),
    );
    if (registered.errorCode !== 0) throw new TributaryError(registered.errorCode, `broker registration failed: ${registered.errorMessage ?? ''}`);
    const unfenced = await this.controller.run((image) => unfenceBroker(image, { brokerId, brokerEpoch: registered.brokerEpoch }));
    if (unfenced.errorCode !== 0) throw new TributaryError(unfenced.errorCode, `unfencing failed: ${unfenced.errorMessage ?? ''}`);
  }

  /** First step of shutdown: answer every parked fetch now and stop parking new ones, so the server can drain. */
  stopParkingFetches(): void {
    this.replicaManager.stopParking();
  }

  /**
   * Clean shutdown: stops background services, answers parked fetches,
   * snapshots producer state, then closes every log (flush, checkpoints and
   * the clean-shutdown marker, so the next start skips recovery).
   */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.expirationTimer?.cancel();
    for (const service of this.services) await service.stop();
    await this.replicaManager.shutdown();
    await this.logManager.shutdown();
  }
}
