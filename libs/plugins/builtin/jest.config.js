const preset = require('../../../jest.preset.js');

module.exports = { ...preset, displayName: 'plugins-builtin', rootDir: __dirname };
