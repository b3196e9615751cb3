const preset = require('../../jest.preset.js');

module.exports = { ...preset, displayName: 'metadata', rootDir: __dirname };
