/** Where a command writes; a TTY stdout gets a live progress bar, anything else plain lines. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** The process around a command, passed in so tests run commands in-process with fake streams. */
export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Aborted on Ctrl-C; long commands stop at their next step. */
  signal?: AbortSignal;
}
