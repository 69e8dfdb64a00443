import { Worker } from 'node:worker_threads';
import {
  type AbortReason,
  type FinalReport,
  isFinal,
  type ThreadInput,
  type ThreadReport,
} from './messages.js';

export interface TrainingThread {
  /**
   * Asks the thread to stop at its next step; it answers with an `aborted` report. A cancel that the
   * thread has not answered within CANCEL_GRACE_MS (a step can take seconds) terminates it instead:
   * a cancelled job keeps no checkpoint, so nothing is lost. Never while it publishes.
   */
  abort(reason: AbortReason): void;
  /** The last report; a thread that dies without one (out of memory, a crash) ends as a retryable failure. */
  readonly finished: Promise<FinalReport>;
}

const THREAD_FILE = new URL('./training-thread.js', import.meta.url);

/** How long a cancelled thread may take to stop by itself before it is terminated. */
export const CANCEL_GRACE_MS = 250;

/** Starts the training processor in its own worker thread; `onReport` sees every report but the last. */
export function startTrainingThread(
  input: ThreadInput,
  onReport: (report: ThreadReport) => void,
): TrainingThread {
  const worker = new Worker(THREAD_FILE, { workerData: input });
  let aborted = false;
  let publishing = false;
  let end: (report: FinalReport) => void = () => {};
  const finished = new Promise<FinalReport>((resolve) => {
    end = (report: FinalReport) => {
      resolve(report);
      worker.terminate().catch(() => {});
    };
    worker.on('message', (report: ThreadReport) => {
      if (report.type === 'phase') publishing = report.phase === 'PUBLISHING';
      if (isFinal(report)) end(report);
      else onReport(report);
    });
    worker.on('error', (error) =>
      end({ type: 'failed', reason: `training thread crashed: ${error.message}`, retryable: true }),
    );
    worker.on('exit', (code) =>
      end({ type: 'failed', reason: `training thread exited with code ${code}`, retryable: true }),
    );
  });
  return {
    abort(reason) {
      if (aborted) return;
      aborted = true;
      worker.postMessage({ type: 'abort', reason });
      if (reason !== 'cancel') return;
      const timer = setTimeout(() => {
        if (!publishing) end({ type: 'aborted', reason: 'cancel', checkpointed: false });
      }, CANCEL_GRACE_MS);
      finished.then(() => clearTimeout(timer));
    },
    finished,
  };
}
