// PyTorch (Debian's python3-torch) in a long-lived child process per thread count, when importable.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { remoteImpl } from './remote.js';

const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('./pytorch.py', import.meta.url));

const hasTorch = () => spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

/**
 * OpenMP's threads spin while they wait; on a machine whose cores other jobs share, that made PyTorch's
 * 2-thread step 10 to 30 times slower than its 1-thread step (a 2-core box at load 4). Passive waiting is
 * its best setting there, so the peer is measured with it.
 */
const env = { OMP_WAIT_POLICY: 'PASSIVE' };

export const pytorch = remoteImpl('pytorch', [1, 2], () => [PYTHON, [script], env], hasTorch);
