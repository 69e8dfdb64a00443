// Implementations measured in long-lived child processes, driven line by line: each command is answered
// with one JSON line. The child's first line, {"ready": true, ...}, may carry facts about it (PyTorch's BLAS).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Starts `command` and waits for its first line; `ask(line)` sends one command and reads one answer. */
export async function lineChild(command, args, env) {
  const proc = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const read = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${command} child exited`);
    return JSON.parse(value);
  };
  const hello = await read();
  const ask = async (line) => {
    proc.stdin.write(`${line}\n`);
    return read();
  };
  return { hello, ask, close: () => proc.stdin.end() };
}

/**
 * One child per thread count; `launch(threads)` gives [command, args, env] for it. Each command
 * "train|infer <batch> <threads> <budget>" is answered with {"seconds": median per call}.
 */
export function remoteImpl(impl, threads, launch, available = () => true) {
  const children = new Map();

  async function child(t) {
    if (!children.has(t)) children.set(t, await lineChild(...launch(t)));
    return children.get(t);
  }

  const remote = (mode) => async (batch, t) => {
    const { ask } = await child(t);
    return { measured: (budget) => ask(`${mode} ${batch} ${t} ${budget}`), dispose: () => {} };
  };

  return {
    impl,
    available,
    threads: () => threads,
    train: remote('train'),
    infer: remote('infer'),
    /** The first line a started child sent, or undefined before any started. */
    hello: () => children.values().next().value?.hello,
    close: () => {
      for (const c of children.values()) c.close();
    },
  };
}
