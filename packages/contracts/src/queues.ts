/** BullMQ queue the API enqueues training jobs on and the trainers consume. */
export const TRAINING_QUEUE = 'ocellus-training';

/** Redis pub/sub channel announcing registry changes (RegistryEvent JSON) to API replicas. */
export const REGISTRY_EVENTS_CHANNEL = 'ocellus:registry-events';
