import { parentPort, workerData } from 'node:worker_threads';
import { jobSpecSchema, toValidationIssues } from '@ocellus/contracts';
import { runTrainingJob } from '@ocellus/models';
import { encodeCheckpoint, TrainingAbortedError } from '@ocellus/nn/train';
import { openRegistry } from '@ocellus/registry';
import { readCheckpoint, writeFileAtomic } from '../job-files.js';
import type { AbortReason, MainMessage, ThreadInput, ThreadReport } from './messages.js';
import { apiMetrics } from './metric-names.js';

/**
 * The training processor: runs one job's pipeline off the main thread (so BullMQ's lock renewal and the
 * API's event loop never wait on the CPU), writes a checkpoint per epoch and reports back by message.
 */

/**
 * Errors that fail the same way on every attempt: a bad spec, unsupported data, a stored dataset that is
 * missing or refused by the job's preparation (a caption over `maxLength`, a task it does not train),
 * divergence at a fixed seed.
 */
const PERMANENT = new Set([
  'DatasetError',
  'StoredDatasetError',
  'UnknownArchitectureError',
  'UnsupportedArchitectureError',
  'UnsupportedDatasetError',
  'NonFiniteLossError',
  'SearchSpaceError',
  'TransferError',
  'RegistryError',
]);

class AbortedBeforePublishing extends Error {}

const port = parentPort;
if (port === null) throw new Error('training-thread runs as a worker thread');
const input = workerData as ThreadInput;
const controller = new AbortController();
port.on('message', (message: MainMessage) => {
  if (message.type === 'abort') controller.abort(message.reason);
});
const report = (message: ThreadReport) => port.postMessage(message);
const log = (message: string, level: 'info' | 'warn' = 'info') => report({ type: 'log', level, message });

async function train(): Promise<ThreadReport> {
  const parsed = jobSpecSchema({ maxEpochs: input.maxEpochs }).safeParse(input.spec);
  if (!parsed.success) {
    const issues = toValidationIssues(parsed.error.issues);
    const reason = issues.map((i) => `${i.path || 'spec'}: ${i.message}`).join('; ');
    return { type: 'failed', reason: `invalid job spec: ${reason}`, retryable: false };
  }
  const resumeFrom = await readCheckpoint(input.checkpointPath);
  if (resumeFrom) log(`resuming from the checkpoint at ${input.checkpointPath}`);
  // fit calls onCheckpoint right before the progress report that closes the same epoch.
  let closingEpoch: number | null = null;
  const { manifest, metrics } = await runTrainingJob(parsed.data, {
    registry: openRegistry(input.registryRoot),
    jobId: input.jobId,
    signal: controller.signal,
    ...(resumeFrom ? { resumeFrom } : {}),
    onPhase: (phase) => {
      if (phase === 'PUBLISHING' && controller.signal.aborted) throw new AbortedBeforePublishing();
      report({ type: 'phase', phase });
    },
    onProgress: (progress) => {
      const named = apiMetrics(progress.metrics);
      report({ type: 'progress', progress: { ...progress, metrics: named } });
      if (closingEpoch === progress.epoch && progress.step === progress.steps) {
        report({ type: 'epoch', entry: { epoch: progress.epoch, ...named } });
        closingEpoch = null;
      }
    },
    onLog: (line) => log(line),
    onCheckpoint: async (bytes, epoch) => {
      await writeFileAtomic(input.checkpointPath, bytes);
      closingEpoch = epoch;
      report({ type: 'checkpoint', epoch });
    },
  });
  return {
    type: 'succeeded',
    result: { model: manifest.name, version: manifest.version, metrics: apiMetrics(metrics) },
  };
}

async function stopped(error: unknown): Promise<ThreadReport> {
  const reason = controller.signal.reason as AbortReason;
  // Stopped mid-epoch for a shutdown: save exactly where it was, so the next worker loses no step.
  if (reason !== 'cancel' && error instanceof TrainingAbortedError) {
    await writeFileAtomic(input.checkpointPath, encodeCheckpoint(error.checkpoint));
    return { type: 'aborted', reason, checkpointed: true };
  }
  return { type: 'aborted', reason, checkpointed: false };
}

function failed(error: unknown): ThreadReport {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'failed', reason: `${name}: ${message}`, retryable: !PERMANENT.has(name) };
}

train()
  .catch((error: unknown) => (controller.signal.aborted ? stopped(error) : failed(error)))
  .catch(failed)
  .then(report);
