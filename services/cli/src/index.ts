export { run, usage } from './cli.js';
export { metricWords } from './format.js';
export type { CliIo, Output } from './io.js';
export {
  buildJobId,
  canonicalJson,
  type MetricTarget,
  SHIPPED_SPECS,
  SHIPPED_TARGETS,
  targetsOf,
} from './shipped.js';
export { readShortfalls, SHORTFALLS_FILE, type Shortfall } from './shortfalls.js';
export { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';
