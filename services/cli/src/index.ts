export { run, usage } from './cli.js';
export type { CliIo, Output } from './io.js';
export { buildJobId, canonicalJson, SHIPPED_SPECS, TEST_ACCURACY_TARGETS } from './shipped.js';
export { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';
