const preset = require('../../../jest.preset.js');

module.exports = { ...preset, displayName: 'proto', rootDir: __dirname };
