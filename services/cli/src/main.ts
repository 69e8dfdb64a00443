#!/usr/bin/env node
import { run } from './cli.js';
import { EXIT_INTERRUPTED } from './usage-error.js';

// The first Ctrl-C asks the running command to stop at its next step; a second one exits at once.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
  process.stderr.write('\nocellus: stopping (Ctrl-C again to quit now)\n');
  controller.abort();
});

// A closed pipe (`ocellus models | head`) means the reader has what it wanted: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
