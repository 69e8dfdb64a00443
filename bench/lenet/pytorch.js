// PyTorch (Debian's python3-torch) in a long-lived child process per thread count, when importable.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { remoteImpl } from './remote.js';

export const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('./pytorch.py', import.meta.url));

export const hasTorch = () => spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

/**
 * OpenMP's threads spin while they wait; on a machine whose cores other jobs share, that made PyTorch's
 * 2-thread step 10 to 30 times slower than its 1-thread step (a 2-core box at load 4). Passive waiting is
 * its best setting there, so the peer is measured with it. torch.set_num_threads does not reach
 * OpenBLAS's own pthreads, so OPENBLAS_NUM_THREADS gives them the same count.
 */
export const torchEnv = (threads) => ({ OMP_WAIT_POLICY: 'PASSIVE', OPENBLAS_NUM_THREADS: String(threads) });

export const pytorch = remoteImpl('pytorch', [1, 2], (t) => [PYTHON, [script], torchEnv(t)], hasTorch);

export const INSTALL_OPENBLAS =
  'PyTorch runs on the reference BLAS: no ratio against it is printed. ' +
  'Install OpenBLAS (apt-get install libopenblas0-pthread, which becomes the libblas.so.3 alternative) and rerun.';

/** One line naming PyTorch's BLAS from a child's hello ({ blas } from torch_blas.py). */
export function blasLine(blas) {
  if (!blas) return 'PyTorch BLAS: not started';
  const core = blas.core ? `, core ${blas.core}` : '';
  return `PyTorch BLAS: ${blas.kind} (${blas.library ?? 'none mapped'}${core}), MKL-DNN ${blas.mkldnn ? 'on' : 'off'}`;
}
