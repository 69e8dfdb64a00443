import { createHash } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode, syncDir, tempName, writeDurable } from './durable.js';
import { claimedVersions, readableManifests, visibleVersions } from './layout.js';
import { checkManifest, MANIFEST_FILE, WEIGHTS_FILE } from './manifest.js';
import { assertModelName } from './names.js';
import type { PublishStep } from './options.js';
import { encodeSafetensors } from './safetensors.js';
import { liveTemps } from './sweep.js';
import { deleteUnaliased } from './tombstone.js';
import { type Manifest, type PublishInput, RegistryError } from './types.js';

type FaultHook = (step: PublishStep) => void | Promise<void>;

// rename(2) onto a non-empty folder fails with one of these: the number is taken, try the next.
const TAKEN = ['ENOTEMPTY', 'EEXIST', 'ENOTDIR', 'EISDIR'];

/**
 * Writes weights then manifest into a dot-named temp folder, fsyncs, and claims the next free version by
 * renaming the folder to its number; a crash before the rename leaves nothing a reader can see.
 */
export async function publishVersion(
  root: string,
  name: string,
  input: PublishInput,
  faults: FaultHook = () => {},
): Promise<Manifest> {
  const dir = join(root, assertModelName(name));
  const jobId = input.trainingJobId ?? null;
  if (jobId !== null) {
    const earlier = await findByJob(root, name, jobId, Number.POSITIVE_INFINITY);
    if (earlier !== undefined) return earlier;
  }
  const weights = encodeSafetensors(input.tensors, { producer: 'ocellus', model: name });
  const base = manifestBase(name, input, jobId, weights);

  await mkdir(root, { recursive: true });
  if ((await mkdir(dir, { recursive: true })) !== undefined) await syncDir(root);
  const temp = join(dir, tempName());
  liveTemps.add(temp);
  let version: number;
  try {
    await mkdir(temp);
    await faults('temp-created');
    await writeDurable(join(temp, WEIGHTS_FILE), weights, async () => faults('weights-written'));
    await faults('weights-synced');
    version = nextVersion(await claimedVersions(dir), 0);
    await writeManifest(temp, { ...base, version }, faults);
    for (;;) {
      try {
        await rename(temp, join(dir, String(version)));
        break;
      } catch (error) {
        if (errorCode(error) === 'ENOENT') {
          throw new Error(`publish of ${name}: temp folder ${temp} vanished (swept as stale?)`, {
            cause: error,
          });
        }
        if (!TAKEN.includes(errorCode(error) ?? '')) throw error;
      }
      version = nextVersion(await claimedVersions(dir), version);
      await writeManifest(temp, { ...base, version }, faults);
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  } finally {
    liveTemps.delete(temp);
  }
  await faults('claimed');
  await syncDir(dir);
  await faults('parent-synced');
  const manifest: Manifest = { ...base, version };
  if (jobId !== null) {
    // Two publishes of one job that raced past the check above: the lowest version wins, later ones retract
    // (unless an alias already points at this one, then both stay).
    const earlier = await findByJob(root, name, jobId, version);
    if (earlier !== undefined) {
      const retracted = await deleteUnaliased(dir, name, version).then(
        () => true,
        (error: unknown) => {
          if (error instanceof RegistryError && error.code === 'CONFLICT') return false;
          throw error;
        },
      );
      if (retracted) return earlier;
    }
  }
  return manifest;
}

/** The first visible version below `below` published by `jobId`. */
export async function findByJob(
  root: string,
  name: string,
  jobId: string,
  below: number,
): Promise<Manifest | undefined> {
  const versions = (await visibleVersions(join(root, name))).filter((v) => v < below);
  return (await readableManifests(root, name, versions)).find((m) => m.trainingJobId === jobId);
}

// Versions stay a gap-free prefix 1..n: claims start above the highest folder and move up one at a time.
function nextVersion(claimed: number[], previous: number): number {
  return Math.max(previous, ...claimed) + 1;
}

// The manifest is the commit mark, so it is written after the weights are durable.
async function writeManifest(temp: string, manifest: Manifest, faults: FaultHook): Promise<void> {
  const path = join(temp, MANIFEST_FILE);
  await rm(path, { force: true });
  await writeDurable(path, `${JSON.stringify(manifest, null, 2)}\n`, async () => faults('manifest-written'));
  await faults('manifest-synced');
  await syncDir(temp);
  await faults('temp-synced');
}

function manifestBase(name: string, input: PublishInput, jobId: string | null, weights: Buffer): Manifest {
  const manifest = {
    formatVersion: 1,
    name,
    version: 1,
    task: input.task,
    architecture: input.architecture,
    inputSpec: input.inputSpec,
    preprocessing: input.preprocessing,
    labels: input.labels,
    metrics: input.metrics,
    trainingJobId: jobId,
    created: new Date().toISOString(),
    weights: {
      file: WEIGHTS_FILE,
      sha256: createHash('sha256').update(weights).digest('hex'),
      bytes: weights.length,
    },
    extra: input.extra ?? {},
  };
  // Validate and return what will be read back: NaN, undefined and functions do not survive JSON.
  const stored: unknown = JSON.parse(JSON.stringify(manifest));
  const checked = checkManifest(stored);
  if (!('manifest' in checked)) {
    throw new RegistryError('CORRUPT', `cannot publish ${name}: ${checked.problems.join('; ')}`);
  }
  return checked.manifest;
}
