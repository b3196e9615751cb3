const preset = require('../../../jest.preset.js');

module.exports = { ...preset, displayName: 'plugins-host', rootDir: __dirname };
