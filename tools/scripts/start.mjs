#!/usr/bin/env node
// `npm start`: the single-node cluster lands with the broker issue (#4).
console.log('Tributary: the broker is not built yet (see issue #4). Run `npm test` to run the test suite.');
