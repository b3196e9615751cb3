import { PLUGIN_API_VERSION } from '@tributary/plugins-api';

/** Built-ins ship with the api package they compile against, so they always target its version. */
export const BUILTIN_API_VERSION = PLUGIN_API_VERSION;

/** Version of the built-in plugins (this package's version). */
export const BUILTIN_PLUGIN_VERSION = '0.1.0';
