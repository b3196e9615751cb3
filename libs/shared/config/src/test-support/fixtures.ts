import { InvalidConfigError } from '../config-error';

/** The least a valid combined node needs, as `key=value` overrides (loopback, ephemeral ports). */
export const BASE_OVERRIDES = ['node.id=1', 'process.roles=broker,controller', 'controller.quorum.voters=1@127.0.0.1:0', 'listeners=GRPC://127.0.0.1:0,CONTROLLER://127.0.0.1:0'];

/** `--override` arguments for BASE_OVERRIDES plus `more`. */
export const overrideArgs = (...more: string[]): string[] => [...BASE_OVERRIDES, ...more].flatMap((o) => ['--override', o]);

/** Runs `fn`, expecting an InvalidConfigError (code INVALID_CONFIG), and returns it. */
export function configError(fn: () => unknown): InvalidConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).codeName).toBe('INVALID_CONFIG');
    expect((error as InvalidConfigError).code).toBe(40);
    return error as InvalidConfigError;
  }
  throw new Error('expected an InvalidConfigError');
}
