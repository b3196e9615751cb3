import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, renameSync, openSync, fsyncSync, closeSync } from 'node:fs';
import path from 'node:path';
import { parseProperties } from '@tributary/config';
import { TributaryError } from '@tributary/errors';

/** Kafka's per-log-dir identity file. */
export const META_PROPERTIES_FILE = 'meta.properties';

/**
 * The cluster id of the data in `logDir` (Kafka's meta.properties): read it,
 * or on a fresh dir create one with a new cluster id. A dir formatted for
 * another node.id is refused (INCONSISTENT_CLUSTER_ID), as Kafka refuses it.
 */
export function ensureMetaProperties(logDir: string, nodeId: number): string {
  const file = path.join(logDir, META_PROPERTIES_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    const entries = new Map(parseProperties(text, file).map((e) => [e.key, e.value]));
    const clusterId = entries.get('cluster.id');
    const storedNode = entries.get('node.id');
    if (!clusterId) throw new TributaryError('INCONSISTENT_CLUSTER_ID', `${file} has no cluster.id`);
    if (storedNode !== undefined && Number(storedNode) !== nodeId) {
      throw new TributaryError('INCONSISTENT_CLUSTER_ID', `${logDir} belongs to node.id ${storedNode}, but this node is node.id ${nodeId}`);
    }
    return clusterId;
  }
  mkdirSync(logDir, { recursive: true });
  const clusterId = randomUUID();
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `version=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\n`);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
  return clusterId;
}
