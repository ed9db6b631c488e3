#!/usr/bin/env node
// The cislab command line; the commands live in dist/cli (run `npm run build` after changing src/).
// An interrupted run leaves no temporary behind: outputs are written beside their target and renamed at the end.
const { abortOpenWriters } = require('../dist/io/atomic-stream.js');
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.once(signal, () => {
    abortOpenWriters();
    process.exit(code);
  });
}
require('../dist/cli/main.js').runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error && error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error);
    process.exit(1);
  },
);
