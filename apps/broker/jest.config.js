const preset = require('../../jest.preset.js');

module.exports = { ...preset, displayName: 'broker-app', rootDir: __dirname, testTimeout: 120000 };
