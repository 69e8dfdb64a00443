import type { Registry } from './types.js';

/** The points of a publish after which a crash is simulated in tests, in the order they happen. */
export const PUBLISH_STEPS = [
  'temp-created',
  'weights-written',
  'weights-synced',
  'manifest-written',
  'manifest-synced',
  'temp-synced',
  'claimed',
  'parent-synced',
] as const;

export type PublishStep = (typeof PUBLISH_STEPS)[number];

export interface RegistryOptions {
  /** Temporary folders older than this are crash leftovers that `sweep` removes (default 10 minutes). */
  staleTempMs?: number;
  /** Rescan period of `watch`; it also covers file systems where fs.watch sees nothing (default 1000 ms). */
  pollIntervalMs?: number;
  /** Test hook run after each publish step; throwing (or killing the process) there simulates a crash. */
  faults?: (step: PublishStep) => void | Promise<void>;
  /** Told once about each stray entry skipped in the root (a README, `.DS_Store`, a folder without versions); silent by default. */
  onWarning?: (message: string) => void;
}

export interface FsRegistry extends Registry {
  /** Removes crash leftovers (stale temporary folders, weights of half-deleted versions); returns how many. */
  sweep(): Promise<number>;
}
