// An implementation measured in its own long-lived child process, driven line by line: each command
// "train|infer <batch> <threads> <budget>" is answered with one JSON line {"seconds": median per call}.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** `launch(threads)` gives [command, args, env] for the child that measures at that thread count. */
export function remoteImpl(impl, threads, launch, available = () => true) {
  const children = new Map();

  async function child(t) {
    const known = children.get(t);
    if (known) return known;
    const [command, args, env] = launch(t);
    const proc = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
    const read = async () => {
      const { value, done } = await lines.next();
      if (done) throw new Error(`${impl} child exited`);
      return JSON.parse(value);
    };
    await read();
    const ask = async (command) => {
      proc.stdin.write(`${command}\n`);
      return read();
    };
    const entry = { proc, ask };
    children.set(t, entry);
    return entry;
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
    close: () => {
      for (const { proc } of children.values()) proc.stdin.end();
    },
  };
}
