const preset = require('../../../jest.preset.js');

module.exports = { ...preset, displayName: 'util', rootDir: __dirname };
