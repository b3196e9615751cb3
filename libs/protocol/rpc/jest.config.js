const preset = require('../../../jest.preset.js');

module.exports = { ...preset, displayName: 'rpc', rootDir: __dirname };
