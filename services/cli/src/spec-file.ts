import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defaultJobSpecSchema, type JobSpec, toValidationIssues } from '@ocellus/contracts';
import { UsageError } from './usage-error.js';

/** The spec file's JSON as written, and the spec the API's own zod schema makes of it. */
export interface SpecFile {
  path: string;
  raw: unknown;
  spec: JobSpec;
}

/** Reads and validates a job spec file; an unreadable file, bad JSON or zod issues are usage errors. */
export async function readSpecFile(path: string, cwd: string): Promise<SpecFile> {
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read spec ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`spec ${path} is not JSON: ${(error as Error).message}`);
  }
  return { path: full, raw, spec: validateSpec(raw, path) };
}

/** The zod issues as `path: message` pairs on one line, the way the API lists them in a 400. */
export function validateSpec(raw: unknown, path: string): JobSpec {
  const parsed = defaultJobSpecSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = toValidationIssues(parsed.error.issues).map(
    (issue) => `${issue.path === '' ? '(root)' : issue.path}: ${issue.message}`,
  );
  throw new UsageError(`invalid job spec ${path}: ${issues.join('; ')}`);
}
