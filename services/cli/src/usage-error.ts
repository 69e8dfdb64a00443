/** Bad arguments or a bad spec file: exit code 2, as distinct from a failure while running (1). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** 128 + SIGINT, what shells report for a run stopped by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;
