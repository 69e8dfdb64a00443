import { estimateJobBytes, type JobSpec } from '@ocellus/contracts';
import { ApiError } from '../errors.js';

const MiB = 2 ** 20;
const mib = (bytes: number) => `${Math.ceil(bytes / MiB)} MiB`;

/** Refuses (400 INVALID_JOB_SPEC) a spec whose estimated peak memory is over `maxBytes` (OCELLUS_MAX_JOB_BYTES). */
export function checkJobBudget(spec: JobSpec, maxBytes: number): void {
  const estimate = estimateJobBytes(spec);
  if (estimate.total <= maxBytes) return;
  const message =
    `the job would need about ${mib(estimate.total)} (data ${mib(estimate.data)}, weights with gradients and ` +
    `optimizer state ${mib(estimate.parameters)}, activations ${mib(estimate.activations)}), over the limit of ` +
    `${mib(maxBytes)} (OCELLUS_MAX_JOB_BYTES); ask for fewer examples, a smaller batch or narrower layers`;
  throw new ApiError(400, 'INVALID_JOB_SPEC', message, {
    issues: [{ path: '', code: 'too_big', message }],
  });
}
