import { type Manifest, RegistryError } from './types.js';

export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'model.safetensors';

/** Checks a parsed `manifest.json` field by field; returns the problems found (empty when valid). */
export function manifestProblems(value: unknown): string[] {
  if (!isRecord(value)) return ['manifest is not a JSON object'];
  const problems: string[] = [];
  const need = (ok: boolean, field: string, what: string) => {
    if (!ok) problems.push(`${field} must be ${what}`);
  };
  need(value.formatVersion === 1, 'formatVersion', '1');
  need(typeof value.name === 'string', 'name', 'a string');
  need(isPositiveInteger(value.version), 'version', 'a positive integer');
  need(typeof value.task === 'string', 'task', 'a string');
  need(
    isRecord(value.architecture) && typeof value.architecture.type === 'string',
    'architecture',
    'an object with a string type',
  );
  const input = value.inputSpec;
  need(
    isRecord(input) &&
      isPositiveInteger(input.channels) &&
      isPositiveInteger(input.height) &&
      isPositiveInteger(input.width),
    'inputSpec',
    '{channels, height, width} of positive integers',
  );
  need(isRecord(value.preprocessing), 'preprocessing', 'an object');
  need(
    Array.isArray(value.labels) && value.labels.every((l) => typeof l === 'string'),
    'labels',
    'an array of strings',
  );
  need(
    isRecord(value.metrics) &&
      Object.values(value.metrics).every((m) => typeof m === 'number' && Number.isFinite(m)),
    'metrics',
    'an object of finite numbers',
  );
  need(
    value.trainingJobId === null || typeof value.trainingJobId === 'string',
    'trainingJobId',
    'a string or null',
  );
  need(
    typeof value.created === 'string' && !Number.isNaN(Date.parse(value.created)),
    'created',
    'an ISO date',
  );
  const weights = value.weights;
  need(
    isRecord(weights) &&
      weights.file === WEIGHTS_FILE &&
      typeof weights.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(weights.sha256) &&
      Number.isSafeInteger(weights.bytes) &&
      (weights.bytes as number) >= 0,
    'weights',
    `{file: "${WEIGHTS_FILE}", sha256: 64 hex digits, bytes: a non-negative integer}`,
  );
  need(isRecord(value.extra), 'extra', 'an object');
  return problems;
}

/** Parses the text of `<name>/<version>/manifest.json`; anything unexpected is CORRUPT. */
export function parseManifest(text: string, name: string, version: number): Manifest {
  const where = `manifest of ${name} v${version}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RegistryError('CORRUPT', `${where} is not valid JSON (${(error as Error).message})`);
  }
  const problems = manifestProblems(parsed);
  if (problems.length > 0) throw new RegistryError('CORRUPT', `${where} is invalid: ${problems.join('; ')}`);
  const manifest = parsed as Manifest;
  if (manifest.name !== name || manifest.version !== version) {
    throw new RegistryError('CORRUPT', `${where} names ${manifest.name} v${manifest.version}`);
  }
  return manifest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
