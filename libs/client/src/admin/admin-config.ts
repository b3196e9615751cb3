import { COMMON_CLIENT_CONFIG } from '../common/common-config';
import { intKey, parseConfig, type ConfigInput, type ResolvedConfig } from '../common/config-def';

/** The admin client's configuration keys (Kafka's AdminClientConfig names). */
export const ADMIN_CONFIG = {
  ...COMMON_CLIENT_CONFIG,
  'default.api.timeout.ms': intKey({ doc: 'Timeout of an admin call (retries included) when the call sets none.', defaultValue: 60000, min: 0 }),
} as const;

export type AdminConfigInput = ConfigInput<typeof ADMIN_CONFIG>;
export type AdminConfig = ResolvedConfig<typeof ADMIN_CONFIG>;

export function parseAdminConfig(input: AdminConfigInput): AdminConfig {
  return parseConfig('admin', ADMIN_CONFIG, input);
}
