export { DEFAULT_REGISTRY_ROOT, loadTrainerConfig, type TrainerConfig } from './config.js';
export { EmbeddedTrainer, type EmbeddedTrainerOptions } from './embedded-trainer.js';
export { checkpointPath, jobDir } from './job-files.js';
export { startTrainer, type Trainer, type TrainerOptions } from './queue/trainer-worker.js';
export {
  type RetryPolicy,
  type TrainingJobData,
  trainingJobOptions,
  trainingQueue,
} from './queue/training-queue.js';
export { FileJobStore } from './records/file-job-store.js';
export {
  isFinalEvent,
  isTerminal,
  type JobEvent,
  type JobEventsOptions,
  type JobPatch,
  type JobStore,
  queuedRecord,
  type StoredJobEvent,
  TERMINAL_STATUSES,
} from './records/job-store.js';
export { RedisJobStore } from './records/redis-job-store.js';
export { type JobLog, type RunJobOptions, type RunOutcome, runJob } from './run-job.js';
