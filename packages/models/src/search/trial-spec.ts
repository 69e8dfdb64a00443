import type { JobSpec, jobSpecSchema } from '@ocellus/contracts';
import { SearchSpaceError, type SearchValue, type TrialValues } from './space.js';

/** The zod schema that validated the job (its epoch cap is the deployment's). */
export type JobSpecSchema = Pick<ReturnType<typeof jobSpecSchema>, 'safeParse'>;

/** What a trial may change: the data, the names and the search itself stay the job's. */
const SEARCHABLE_ROOTS = [
  'architecture',
  'preprocessing',
  'augmentation',
  'init',
  'optimizer',
  'regularization',
  'schedule',
];

type Node = Record<string, unknown>;

function setPath(target: Node, path: string, value: SearchValue): void {
  const keys = path.split('.');
  let node = target;
  keys.forEach((key, i) => {
    if (Array.isArray(node) && !(/^\d+$/.test(key) && Number(key) < node.length)) {
      throw new SearchSpaceError(
        `search.space['${path}']: '${keys.slice(0, i).join('.')}' is a list of ${node.length}, no item ${key}`,
      );
    }
    if (i === keys.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key] ?? (node[key] = {});
    if (typeof next !== 'object' || next === null) {
      throw new SearchSpaceError(
        `search.space['${path}']: '${keys.slice(0, i + 1).join('.')}' is a ${typeof next}, not an object`,
      );
    }
    node = next as Node;
  });
}

function getPath(target: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) => (typeof node === 'object' && node !== null ? (node as Node)[key] : undefined),
      target,
    );
}

/**
 * A copy of `spec` with each dotted path set to the trial's value and no `search`, validated by the
 * job's schema; an invalid result, or a path the schema drops (not a spec field), names the path.
 */
export function trialSpec(spec: JobSpec, values: TrialValues, schema: JobSpecSchema): JobSpec {
  const { search: _, ...rest } = structuredClone(spec);
  const candidate = rest as Node;
  for (const [path, value] of Object.entries(values)) {
    const root = path.split('.')[0]!;
    if (!SEARCHABLE_ROOTS.includes(root)) {
      throw new SearchSpaceError(
        `search.space['${path}']: '${root}' cannot be searched (searchable: ${SEARCHABLE_ROOTS.join(', ')})`,
      );
    }
    setPath(candidate, path, value);
  }
  const parsed = schema.safeParse(candidate);
  const assignment = Object.entries(values)
    .map(([path, value]) => `${path} = ${value}`)
    .join(', ');
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new SearchSpaceError(`search trial ${assignment} gives an invalid spec: ${problems.join('; ')}`);
  }
  for (const [path, value] of Object.entries(values)) {
    if (getPath(parsed.data, path) !== value) {
      throw new SearchSpaceError(
        `search.space['${path}'] is not a field of a ${parsed.data.architecture.type} spec (the schema drops it)`,
      );
    }
  }
  return parsed.data;
}
