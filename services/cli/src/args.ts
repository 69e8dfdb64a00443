import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/** Options shared by every command that reads the registry. */
export const registryOption = { registry: { type: 'string' } } as const;

/** `node:util` parseArgs in strict mode; an unknown or malformed option is a usage error. */
export function parseCommand<const T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
