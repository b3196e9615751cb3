import type { Command } from '../cli/command';
import { consumeCommand } from './consume-command';
import { logDirsDescribeCommand } from './log-dirs-command';
import { logDumpCommand } from './log-dump-command';
import { perfConsumeCommand } from './perf-consume-command';
import { perfProduceCommand } from './perf-produce-command';
import { produceCommand } from './produce-command';
import { recordsDeleteBeforeCommand } from './records-commands';
import { TOPICS_COMMANDS } from './topics-commands';

/** Every command, in the order `tributary --help` lists them. */
export const ALL_COMMANDS: readonly Command[] = [
  ...TOPICS_COMMANDS,
  produceCommand,
  consumeCommand,
  recordsDeleteBeforeCommand,
  logDirsDescribeCommand,
  logDumpCommand,
  perfProduceCommand,
  perfConsumeCommand,
];
