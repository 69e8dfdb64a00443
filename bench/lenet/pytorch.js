// PyTorch (Debian's python3-torch) in one long-lived child process, driven line by line, when importable.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('./pytorch.py', import.meta.url));

function hasTorch() {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  return probe.status === 0;
}

let child;

/** The child and a function sending one command and resolving with its JSON answer. */
async function worker() {
  if (child) return child;
  const proc = spawn(PYTHON, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const read = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('pytorch.py exited');
    return JSON.parse(value);
  };
  await read();
  child = {
    proc,
    ask: async (command) => {
      proc.stdin.write(`${command}\n`);
      return read();
    },
  };
  return child;
}

/** Each measurement is timed inside Python; `run` returns its median seconds per call. */
function remote(mode) {
  return async (batch, threads) => {
    const { ask } = await worker();
    return { measured: (budget) => ask(`${mode} ${batch} ${threads} ${budget}`), dispose: () => {} };
  };
}

export const pytorch = {
  impl: 'pytorch',
  available: hasTorch,
  threads: () => [1, 2],
  train: remote('train'),
  infer: remote('infer'),
  close: () => child?.proc.stdin.end(),
};
