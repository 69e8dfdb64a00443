import {
  type Box,
  captionerSchema,
  type InputSpec,
  type JobSpec,
  type Metrics,
  type NetworkShape,
  networkShapeSchema,
} from '@ocellus/contracts';
import { l2Penalty } from '@ocellus/nn/losses';
import type { Manifest } from '@ocellus/registry';
import { mul, Rng, releasingTemporaries, type Tensor } from '@ocellus/tensor';
import { prefixed, withPrefix } from '../artifact.js';
import { photoLikeObjects } from '../augment/photo-like-objects.js';
import { initScheme } from '../classify/network-builder.js';
import { dropoutShape } from '../networks/stacks.js';
import { fitMetrics, trainNetwork } from '../training/train-network.js';
import { resolveFreeze, TransferError } from '../transfer/backbone.js';
import { frozenNormLayers } from '../transfer/frozen-norms.js';
import type { Artifact, ComputeOptions, FitHooks, TaskOutputs, TrainingData, VisionModel } from '../types.js';
import { wordRegions } from './attention-supervision.js';
import { CaptionDataset, type CaptionTargets } from './caption-dataset.js';
import { type CaptionDecoders, decodeCaptions, netDecoders } from './caption-decoding.js';
import { captionLosses } from './caption-losses.js';
import { captionOutputs, captionTensors } from './caption-outputs.js';
import type { CaptionerArchitecture } from './captioner-architecture.js';
import { CaptionerNet } from './captioner-net.js';
import { forcedAccuracy } from './forced-accuracy.js';
import { glimpseReadings, type WordReadings } from './glimpse-readings.js';
import { type TeacherForced, teacherForced } from './teacher-forced.js';
import { CaptionVocabulary } from './vocabulary.js';

const storedArchitecture = captionerSchema.extend({ network: networkShapeSchema });

/** Loads the start's conv stack into the encoder and freezes what it says; a stack of another shape is refused. */
function startEncoder(net: CaptionerNet, start: EncoderStart): void {
  try {
    net.loadStateDict({ ...net.stateDict(), ...start.state });
  } catch (error) {
    throw new TransferError(
      `transferFrom: ${start.source}'s conv stack is not this captioner's encoder (same layers, and the same ` +
        `regularization.dropout, which adds dropout layers to the stack): ${(error as Error).message}`,
    );
  }
  for (const frozen of resolveFreeze(start.freeze, ['encoder.backbone.'], net)) net.freeze(frozen);
}

type Trained = { net: CaptionerNet; shape: NetworkShape };

/** A trained conv stack the encoder starts from: its weights under `encoder.backbone.`, and what stays frozen. */
export interface EncoderStart {
  state: Record<string, Tensor>;
  /** `transferFrom.freeze`: 'backbone' (the encoder's conv stack) or dotted names of this network. */
  freeze: readonly string[];
  /** The model it came from, named in errors. */
  source: string;
}

/**
 * `captioner`: a conv encoder and an RNN or LSTM decoder with optional soft attention (CS231n
 * assignment 3, Show, Attend and Tell), trained with teacher forcing on the caption's words then
 * `<end>`; decodes greedily or by beam search. Its labels are its vocabulary.
 */
export class Captioner implements VisionModel<'caption'> {
  readonly task = 'caption';
  readonly vocabulary: CaptionVocabulary;

  private constructor(
    readonly architecture: CaptionerArchitecture,
    readonly inputSpec: InputSpec,
    readonly labels: readonly string[],
    private trained: Trained | null,
    private readonly start: EncoderStart | null = null,
  ) {
    this.vocabulary = new CaptionVocabulary(labels);
  }

  /** A captioner whose encoder starts as another model's trained conv stack (`transferFrom`). */
  static fromBackbone(
    arch: CaptionerArchitecture,
    inputSpec: InputSpec,
    labels: readonly string[],
    start: EncoderStart,
  ): Captioner {
    return new Captioner(arch, inputSpec, labels, null, start);
  }

  static create(spec: JobSpec, data: TrainingData): Captioner {
    const { channels, height, width } = data.set;
    const inputSpec = { channels, height, width, format: data.imageFormat };
    return new Captioner(captionerSchema.parse(spec.architecture), inputSpec, data.labels, null);
  }

  static fromArtifact(manifest: Manifest, records: Record<string, Tensor>): Captioner {
    const { network: shape, ...arch } = storedArchitecture.parse(manifest.architecture);
    const net = new CaptionerNet(arch, shape, new Rng(0));
    net.loadStateDict(withPrefix(records, 'net'));
    net.eval();
    return new Captioner(arch, manifest.inputSpec, manifest.labels, { net, shape });
  }

  private ready(): Trained {
    if (!this.trained) throw new Error('the model has not been trained');
    return this.trained;
  }

  /** Each image's caption: its words, the mean log-probability of its tokens (`<end>` included), and with `attention` its weights per word. */
  predict(batch: Tensor, options: ComputeOptions<'caption'> = {}): TaskOutputs['caption'][] {
    const captions = releasingTemporaries(() =>
      decodeCaptions(this.decoders(batch), {
        beam: options.beam ?? 1,
        maxLength: this.architecture.maxLength,
      }),
    );
    return captionOutputs(captions, options.attention === true ? this.attentionGrid : null);
  }

  /** `[rows, cols]` of the cells the attention weighs; null without attention. */
  get attentionGrid(): [number, number] | null {
    const { encoder } = this.ready().net;
    return this.architecture.attention ? [encoder.rows, encoder.cols] : null;
  }

  /** The decoders of `batch`, encoded (in eval mode): the caller releases the temporaries. */
  decoders(batch: Tensor): CaptionDecoders {
    const { net } = this.ready();
    net.eval();
    return netDecoders(net, net.encode(batch), this.vocabulary);
  }

  /**
   * What the glimpse reads of each word of `captions` about `images` when put on the word's box (one per word
   * in `boxes`): a diagnostic of the reader apart from where the model looks (`glimpseReadings`).
   */
  readWords(
    images: Tensor,
    captions: readonly Int32Array[],
    boxes: readonly (readonly Box[])[],
  ): WordReadings[] {
    const { net } = this.ready();
    return releasingTemporaries(() => {
      net.eval();
      return glimpseReadings(net, this.vocabulary, images, captions, boxes);
    });
  }

  /** Greedy captions as `tokens` [N, maxLength] (`<pad>` after the words) and `logProb` [N], the mean per token. */
  infer(batch: Tensor): Record<string, Tensor> {
    return captionTensors(this.predict(batch), this.architecture.maxLength, this.vocabulary.pad);
  }

  async fit(data: TrainingData, spec: JobSpec, hooks: FitHooks): Promise<Metrics> {
    const captions = data as TrainingData<'caption'>;
    const rng = new Rng(spec.seed);
    const arch = this.architecture;
    const { channels, height, width } = data.set;
    const shape: NetworkShape = {
      inputShape: [channels, height, width],
      classes: this.vocabulary.size,
      ...dropoutShape(spec.regularization),
      init: initScheme(spec.init, arch.activation),
    };
    const net = new CaptionerNet(arch, shape, rng);
    if (this.start) startEncoder(net, this.start);
    // Batch norms under frozen weights keep the statistics the encoder was trained with.
    const frozenNorms = frozenNormLayers(net);
    const targets = (indices: Int32Array) => captions.targets(indices);
    // Photo-like uploads as evaluation makes them: no zoom or shift, so no digit leaves the caption.
    const augment = spec.augmentation.photoLike
      ? photoLikeObjects(width, height, {
          keepFrame: true,
          share: spec.augmentation.photoLikeShare,
          jpeg: spec.augmentation.photoLikeJpeg,
        })
      : undefined;
    const { l2 } = spec.regularization;
    const { grid } = net;
    const glimpseWeight = arch.glimpse?.boxWeight ?? 0;
    const supervised = arch.attentionSupervision > 0 || arch.cellSupervision > 0 || glimpseWeight > 0;
    // Fails before the first step on a dataset that cannot supervise it.
    const [first] = supervised ? targets(data.train.subarray(0, 1)) : [];
    if (first) wordRegions({ captions: [first.tokens], regions: [first.regions] });
    const supervisions = (batch: CaptionTargets) => {
      if (!supervised) return {};
      const where = { captions: batch.captions, regions: wordRegions(batch), grid };
      return {
        attention: { ...where, weight: arch.attentionSupervision },
        reading: { ...where, weight: arch.cellSupervision },
        glimpse: { ...where, weight: glimpseWeight },
      };
    };
    // Training reads a share of the words at their true boxes; validation, like serving, where it looks.
    const truthRng = new Rng(spec.seed + 1);
    const truthShare = arch.glimpse?.truthShare ?? 0;
    const jitter = arch.glimpse?.jitter ?? 0;
    const glimpseTruth = (batch: CaptionTargets) =>
      net.training && truthShare > 0
        ? { regions: wordRegions(batch), share: truthShare, jitter, rng: truthRng }
        : undefined;
    const result = await trainNetwork<CaptionTargets, TeacherForced>(
      net,
      {
        train: new CaptionDataset(data.set, data.train, targets, augment),
        validation: new CaptionDataset(data.set, data.validation, targets),
        forward: (_model, batch) => {
          for (const layer of frozenNorms) layer.eval();
          const { captions: words } = batch.targets;
          const truth = glimpseTruth(batch.targets);
          return teacherForced(net, batch.inputs, words, this.vocabulary, arch.tbptt, truth);
        },
        loss: (out, batch) => ({
          ...captionLosses(out, this.vocabulary.pad, {
            penalty: arch.attentionPenalty,
            glimpseNames: arch.glimpse?.nameWeight,
            ...supervisions(batch.targets),
          }),
          ...(l2 > 0 ? { l2: mul(l2Penalty(net), l2) } : {}),
        }),
        metrics: (out) => forcedAccuracy(out, this.vocabulary),
        monitor: { metric: 'val_exact', mode: 'max' },
        logMetric: 'val_exact',
      },
      spec,
      hooks,
      rng,
    );
    net.eval();
    this.trained = { net, shape };
    return fitMetrics(result, { valExactMatch: 'val_exact', valTokenAccuracy: 'val_tokenAccuracy' });
  }

  toArtifact(): Artifact {
    const { net, shape } = this.ready();
    return {
      architecture: { ...this.architecture, network: shape },
      inputSpec: this.inputSpec,
      labels: [...this.labels],
      preprocessing: {},
      tensors: prefixed(net.stateDict(), 'net'),
    };
  }
}
