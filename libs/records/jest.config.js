const preset = require('../../jest.preset.js');

module.exports = { ...preset, displayName: 'records', rootDir: __dirname };
