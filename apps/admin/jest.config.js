const preset = require('../../jest.preset.js');

// The end-to-end specs start a broker process per file; give them room.
module.exports = { ...preset, displayName: 'admin-app', rootDir: __dirname, testTimeout: 60000 };
