export { DEFAULT_REGISTRY_ROOT, loadTrainerConfig, type TrainerConfig } from './config.js';
export { startTrainer, type Trainer, type TrainerOptions } from './trainer-worker.js';
