import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** `services/api/dist/server.js`, the file `npm start` runs, found through the package. */
export const SERVER_ENTRY = join(
  dirname(createRequire(import.meta.url).resolve('@ocellus/api')),
  'server.js',
);

export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far (pino JSON lines). */
  output(): string;
  /** Resident set size of the server process, read by `ps`. */
  rssBytes(): number;
  /** SIGTERM (once), then the exit code once the server has finished its in-flight requests. */
  stop(): Promise<number | null>;
}

/** Starts the server as `npm start` does, on a port the OS picks, and waits for pino's "listening" line. */
export async function startServer(env: Record<string, string>, timeoutMs = 30_000): Promise<RunningServer> {
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const deadline = Date.now() + timeoutMs;
  let url: string | undefined;
  while (url === undefined) {
    url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start (exit ${child.exitCode}):\n${text}`);
    }
    if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const exited = once(child, 'exit');
  let stopping: Promise<number | null> | undefined;
  return {
    url,
    child,
    output: () => text,
    rssBytes: () => 1024 * Number(execFileSync('ps', ['-o', 'rss=', '-p', String(child.pid)]).toString()),
    stop() {
      // One SIGTERM only: the server treats a second one as "stop now".
      stopping ??= (async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        const [code] = await exited;
        return code as number | null;
      })();
      return stopping;
    },
  };
}

/** Polls until `condition` holds, failing with `what` after the timeout. */
export async function eventually(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
