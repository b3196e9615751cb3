const preset = require('../../jest.preset.js');

// The scenario is sized from the environment (E2E_RECORDS, E2E_KILLS; the soak target sets them), so its
// timeout is too: E2E_TIMEOUT_MS, default 180 s — generous for the ~60–90 s CI form on a loaded 2-core box.
module.exports = { ...preset, displayName: 'e2e', rootDir: __dirname, testTimeout: Number(process.env.E2E_TIMEOUT_MS ?? 180000) };
