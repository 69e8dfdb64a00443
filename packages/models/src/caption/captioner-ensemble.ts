import type { InputSpec, JobSpec, Metrics } from '@ocellus/contracts';
import type { Manifest } from '@ocellus/registry';
import { releasingTemporaries, type Tensor } from '@ocellus/tensor';
import { gatherBatch } from '@ocellus/vision/datasets';
import { prefixed, withPrefix } from '../artifact.js';
import type { Artifact, ComputeOptions, FitHooks, TaskOutputs, TrainingData, VisionModel } from '../types.js';
import { decodeCaptions } from './caption-decoding.js';
import { captionOutputs, captionTensors } from './caption-outputs.js';
import { Captioner } from './captioner.js';
import { EnsembleError, ensembleDecoders } from './ensemble-decoders.js';
import { CaptionVocabulary } from './vocabulary.js';

/** A published captioner an ensemble decodes with: where it came from, and the model. */
export interface EnsembleMember {
  model: string;
  version: number;
  captioner: Captioner;
}

/** The members a manifest keeps (`toArtifact`): each one's name, version and stored architecture. */
function storedMembers(
  manifest: Manifest,
): { model: string; version: number; architecture: Manifest['architecture'] }[] {
  const { members } = manifest.architecture as { members?: unknown };
  const valid =
    Array.isArray(members) &&
    members.length >= 2 &&
    members.every(
      (m) =>
        typeof m?.model === 'string' &&
        Number.isInteger(m?.version) &&
        typeof m?.architecture === 'object' &&
        m.architecture !== null,
    );
  if (!valid)
    throw new EnsembleError(
      `${manifest.name}@${manifest.version}: architecture.members is not a list of {model, version, architecture}`,
    );
  return members;
}

/** Images a validation pass decodes at once. */
const VALIDATION_BATCH = 16;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * `captioner-ensemble`: published captioners decoded together (`captionerEnsembleSchema`), greedily or by
 * beam search; the attention it returns is their mean. It trains nothing: a job scores it and publishes the
 * members' weights as one version, each under `member<k>.`.
 */
export class CaptionerEnsemble implements VisionModel<'caption'> {
  readonly task = 'caption';
  readonly vocabulary: CaptionVocabulary;
  readonly inputSpec: InputSpec;
  readonly labels: readonly string[];
  /** The words of a caption at most: the fewest any member decodes. */
  readonly maxLength: number;

  private constructor(readonly members: readonly EnsembleMember[]) {
    const [first] = members;
    if (!first || members.length < 2) throw new EnsembleError('an ensemble needs at least two members');
    const named = (m: EnsembleMember) => `${m.model}@${m.version}`;
    for (const m of members.slice(1)) {
      if (!same(m.captioner.labels, first.captioner.labels))
        throw new EnsembleError(`${named(m)} has another vocabulary than ${named(first)}`);
      if (!same(m.captioner.inputSpec, first.captioner.inputSpec))
        throw new EnsembleError(`${named(m)} reads another input than ${named(first)}`);
      if (!same(m.captioner.attentionGrid, first.captioner.attentionGrid))
        throw new EnsembleError(`${named(m)} attends over another grid than ${named(first)}`);
    }
    this.labels = first.captioner.labels;
    this.inputSpec = first.captioner.inputSpec;
    this.vocabulary = new CaptionVocabulary(this.labels);
    this.maxLength = Math.min(...members.map((m) => m.captioner.architecture.maxLength));
  }

  /** The ensemble of these published captioners; they must share vocabulary, input and attention grid. */
  static fromMembers(members: readonly EnsembleMember[]): CaptionerEnsemble {
    return new CaptionerEnsemble(members);
  }

  static create(): CaptionerEnsemble {
    throw new EnsembleError(
      'a captioner-ensemble is made of published captioners: a training job loads them (runTrainingJob)',
    );
  }

  static fromArtifact(manifest: Manifest, records: Record<string, Tensor>): CaptionerEnsemble {
    return new CaptionerEnsemble(
      storedMembers(manifest).map((m, k) => ({
        model: m.model,
        version: m.version,
        captioner: Captioner.fromArtifact(
          { ...manifest, architecture: m.architecture },
          withPrefix(records, `member${k}`),
        ),
      })),
    );
  }

  predict(batch: Tensor, options: ComputeOptions<'caption'> = {}): TaskOutputs['caption'][] {
    const captions = releasingTemporaries(() =>
      decodeCaptions(ensembleDecoders(this.members.map((m) => m.captioner.decoders(batch))), {
        beam: options.beam ?? 1,
        maxLength: this.maxLength,
      }),
    );
    const grid = this.members[0]!.captioner.attentionGrid;
    return captionOutputs(captions, options.attention === true ? grid : null);
  }

  infer(batch: Tensor): Record<string, Tensor> {
    return captionTensors(this.predict(batch), this.maxLength, this.vocabulary.pad);
  }

  /** Trains nothing: the share of validation images it captions exactly (greedy), as `valExactMatch`. */
  async fit(data: TrainingData, _spec: JobSpec, hooks: FitHooks): Promise<Metrics> {
    const captions = data as TrainingData<'caption'>;
    if (!same(captions.labels, this.labels))
      throw new EnsembleError(
        `the dataset's vocabulary (${captions.labels.join(' ')}) is not the members' (${this.labels.join(' ')})`,
      );
    let exact = 0;
    const { validation } = captions;
    for (let start = 0; start < validation.length; start += VALIDATION_BATCH) {
      hooks.signal?.throwIfAborted();
      const indices = validation.subarray(start, start + VALIDATION_BATCH);
      const said = this.predict(gatherBatch(captions.set, indices).inputs);
      captions.targets(indices).forEach((target, i) => {
        if (same(Array.from(said[i]!.tokens), Array.from(target.tokens))) exact++;
      });
    }
    const valExactMatch = validation.length > 0 ? exact / validation.length : Number.NaN;
    hooks.onLog?.(
      `ensemble of ${this.members.map((m) => `${m.model}@${m.version}`).join(', ')}: validation exact ${valExactMatch}`,
    );
    return { valExactMatch, epochs: 0 };
  }

  toArtifact(): Artifact {
    const artifacts = this.members.map((m) => m.captioner.toArtifact());
    return {
      architecture: {
        type: 'captioner-ensemble',
        members: this.members.map((m, k) => ({
          model: m.model,
          version: m.version,
          architecture: artifacts[k]!.architecture,
        })),
      },
      inputSpec: this.inputSpec,
      labels: [...this.labels],
      preprocessing: {},
      tensors: Object.assign({}, ...artifacts.map((a, k) => prefixed(a.tensors, `member${k}`))),
    };
  }
}
