import { SimulatedDisk } from '../disk/simulated-disk';
import { readFileIfExists, writeFileAtomicSync } from '../log/atomic-file';
import { CapturingStorageLogger } from '../log/logger';
import { CLEANER_CHECKPOINT_FILE, CleanerCheckpointStore } from './cleaner-checkpoint-store';

const FILE = `/data/${CLEANER_CHECKPOINT_FILE}`;

function setup() {
  const disk = new SimulatedDisk();
  disk.mkdir('/data');
  disk.fsyncDirSync('/'); // the log dir itself is durable, as the LogManager leaves it
  const logger = new CapturingStorageLogger();
  return { disk, logger, store: () => new CleanerCheckpointStore(disk, logger) };
}

describe('CleanerCheckpointStore', () => {
  it('writes Kafka’s offset-checkpoint format, sorted, and reads it back after a restart', () => {
    const { disk, store } = setup();
    const s = store();
    expect(s.get('/data', 'b', 0)).toBeUndefined();
    s.set('/data', 'b', 1, 40);
    s.set('/data', 'a', 0, 7);
    expect(readFileIfExists(disk, FILE)?.toString()).toBe('0\n2\na 0 7\nb 1 40\n');
    expect(store().get('/data', 'b', 1)).toBe(40);
  });

  it('survives a crash right after a write (written atomically and durably)', () => {
    const { disk, store } = setup();
    store().set('/data', 'a', 0, 7);
    disk.crash({ mode: 'drop' });
    expect(store().get('/data', 'a', 0)).toBe(7);
  });

  it('truncate lowers an offset above the truncation point only; remove forgets the partition', () => {
    const { store } = setup();
    const s = store();
    s.set('/data', 'a', 0, 50);
    s.truncate('/data', 'a', 0, 60);
    expect(s.get('/data', 'a', 0)).toBe(50);
    s.truncate('/data', 'a', 0, 20);
    expect(s.get('/data', 'a', 0)).toBe(20);
    s.remove('/data', 'a', 0);
    expect(store().get('/data', 'a', 0)).toBeUndefined();
  });

  it('treats a corrupt file as "never cleaned", with a warning, and replaces it on the next write', () => {
    const { disk, logger, store } = setup();
    writeFileAtomicSync(disk, FILE, Buffer.from('0\n2\na 0 7\n'));
    const s = store();
    expect(s.get('/data', 'a', 0)).toBeUndefined();
    expect(logger.messages('warn')[0]).toMatch(/unreadable cleaner-offset-checkpoint/);
    s.set('/data', 'a', 0, 9);
    expect(readFileIfExists(disk, FILE)?.toString()).toBe('0\n1\na 0 9\n');
  });
});
