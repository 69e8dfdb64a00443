// PyTorch (Debian's python3-torch) in a long-lived child process per thread count, when importable.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { remoteImpl } from './remote.js';

const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('./pytorch.py', import.meta.url));

const hasTorch = () => spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

export const pytorch = remoteImpl('pytorch', [1, 2], () => [PYTHON, [script], {}], hasTorch);
