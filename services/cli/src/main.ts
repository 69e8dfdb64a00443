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

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
