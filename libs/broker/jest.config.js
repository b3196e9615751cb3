const preset = require('../../jest.preset.js');

module.exports = { ...preset, displayName: 'broker', rootDir: __dirname };
