import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { MetricTarget } from './shipped.js';
import { UsageError } from './usage-error.js';

/** The file beside the specs that lists the models shipped below their targets; never read as a spec. */
export const SHORTFALLS_FILE = 'shortfalls.json';

const shortfallSchema = z.object({
  issue: z.int().min(1).describe('the open issue that tracks the gap'),
  floors: z
    .record(z.string().min(1), z.number().min(0).max(1))
    .refine((floors) => Object.keys(floors).length > 0, { message: 'name at least one floor' })
    .describe('what the shipped version must still reach, by metric'),
  why: z.string().min(1).describe('where the gap comes from, as measured'),
});
const shortfallsSchema = z.record(z.string().min(1), shortfallSchema);

/** A model shipped below its target, as its issue allows while the gap is shown, and the floor it keeps. */
export interface Shortfall {
  issue: number;
  floors: readonly MetricTarget[];
  why: string;
}

/** The shortfalls listed in `<specs dir>/shortfalls.json`, by model; none when there is no such file. */
export async function readShortfalls(specsDir: string): Promise<ReadonlyMap<string, Shortfall>> {
  const path = join(specsDir, SHORTFALLS_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  let parsed: z.infer<typeof shortfallsSchema>;
  try {
    parsed = shortfallsSchema.parse(JSON.parse(text));
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
  return new Map(
    Object.entries(parsed).map(([model, { issue, floors, why }]) => [
      model,
      { issue, why, floors: Object.entries(floors).map(([metric, min]) => ({ metric, min })) },
    ]),
  );
}
