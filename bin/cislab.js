#!/usr/bin/env node
// The cislab command line; the commands live in dist/cli (run `npm run build` after changing src/).
// An interrupted run leaves no temporary behind: outputs are written beside their target and renamed at the end.
// The process ends only once stdout and stderr have drained: a pipe (`cislab scan … | cat`) may still hold queued
// writes when the command returns, and process.exit at that moment would cut them off.
const { abortOpenWriters } = require('../dist/io/atomic-stream.js');
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.once(signal, () => {
    abortOpenWriters();
    process.exit(code);
  });
}
// A reader that went away (`cislab … | head`) is not an error of ours.
process.stdout.on('error', (error) => {
  if (error && error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

function finish(code) {
  process.exitCode = code;
  // Worker threads or open handles could keep the process alive, so exit explicitly — after both streams drained.
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

const cli = require('../dist/cli/main.js');
cli.runCli(process.argv.slice(2)).then(finish, (error) => finish(cli.reportError(process.argv[2] ?? 'cislab', error)));
