#!/usr/bin/env node
// The cislab command line; the commands live in dist/cli (run `npm run build` after changing src/).
require('../dist/cli/main.js').runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error && error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error);
    process.exit(1);
  },
);
