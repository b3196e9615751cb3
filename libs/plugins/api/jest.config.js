const preset = require('../../../jest.preset.js');

module.exports = { ...preset, displayName: 'plugins-api', rootDir: __dirname };
