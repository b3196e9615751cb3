/**
 * The plugin SPI is semver'd on its own, independently of Tributary's release
 * version. A host implementing API `H` accepts a plugin built against API `P`
 * when `P.major === H.major` and `P.minor <= H.minor` (patch levels are
 * ignored: they never change the contract).
 *
 * - major: a breaking change to any interface in this package.
 * - minor: additions a plugin may rely on (new optional hook, new context field).
 * - patch: documentation and conformance-kit fixes.
 */
export const PLUGIN_API_VERSION = '1.0.0';

export interface ApiVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

const VERSION_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:[-+][0-9A-Za-z.+-]*)?$/;

/** Parses `MAJOR.MINOR.PATCH` (a pre-release/build suffix is allowed and ignored); null when malformed. */
export function parseApiVersion(version: string): ApiVersion | null {
  const match = typeof version === 'string' ? VERSION_PATTERN.exec(version) : null;
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

export type ApiCompatibility = { readonly compatible: true } | { readonly compatible: false; readonly reason: string };

/**
 * Whether a plugin built against `pluginApiVersion` runs on a host that
 * implements `hostApiVersion` (default: this package's version). The reason
 * is a full sentence meant for an operator.
 */
export function checkApiCompatibility(pluginApiVersion: string, hostApiVersion: string = PLUGIN_API_VERSION): ApiCompatibility {
  const plugin = parseApiVersion(pluginApiVersion);
  const host = parseApiVersion(hostApiVersion);
  if (!host) return { compatible: false, reason: `the host's plugin API version '${hostApiVersion}' is not MAJOR.MINOR.PATCH` };
  if (!plugin) return { compatible: false, reason: `apiVersion '${String(pluginApiVersion)}' is not MAJOR.MINOR.PATCH` };
  if (plugin.major !== host.major) {
    return {
      compatible: false,
      reason: `it targets plugin API ${pluginApiVersion} but this host implements ${hostApiVersion}; major versions must match`,
    };
  }
  if (plugin.minor > host.minor) {
    return {
      compatible: false,
      reason: `it targets plugin API ${pluginApiVersion}, newer than the ${hostApiVersion} this host implements; upgrade the host or build the plugin against ${host.major}.${host.minor}.x`,
    };
  }
  return { compatible: true };
}
