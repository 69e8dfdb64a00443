import { z } from 'zod';
import { modelNameSchema, modelVersionSchema } from '../names.js';
import {
  activationSchema,
  anchorsSchema,
  blockMapsSchema,
  convBlockSchema,
  convStackSchema,
  hiddenLayersSchema,
  maskHeadSchema,
  proposalsSchema,
  roiAlignSchema,
  roiHeadsSchema,
  rpnSchema,
} from './layers.js';

const unitInterval = z.number().min(0).max(1);

/** k by cross-validation over `kChoices` unless `k` is given (CS231n assignment 1's list). */
export const knnSchema = z.object({
  type: z.literal('knn'),
  k: z.int().min(1).max(1000).optional(),
  kChoices: z.array(z.int().min(1).max(1000)).min(1).max(32).default([1, 3, 5, 8, 10, 12, 15, 20, 50, 100]),
  distance: z.enum(['l1', 'l2']).default('l2'),
  /**
   * How the stored training features are kept: `float32` as computed, or `uint8` codes with a per-column
   * offset (min) and scale ((max - min) / 255), 4x smaller; a `uint8` model predicts with the decoded values.
   */
  storage: z.enum(['float32', 'uint8']).default('float32'),
});

export const linearSchema = z.object({
  type: z.literal('linear'),
  loss: z.enum(['svm', 'softmax']),
  margin: z.number().positive().default(1).describe('multiclass SVM margin (delta)'),
});

export const mlpSchema = z.object({
  type: z.literal('mlp'),
  hidden: hiddenLayersSchema([300]),
  activation: activationSchema,
  batchNorm: z.boolean().default(true),
});

export const cnnSchema = z.object({
  type: z.literal('cnn'),
  layers: convStackSchema,
  fc: hiddenLayersSchema([128]),
  activation: activationSchema,
  /**
   * Test-time augmentation: class scores are the mean of the image's and its mirror image's (for classes
   * that mirroring keeps, as clothing; not digits). Validation during training scores the image alone.
   */
  testTimeFlip: z.boolean().default(false),
});

/**
 * Localisation: L = L_cls + L_aux + L_centre + boxWeight * L_box. The box head is a 3x3 conv of `boxChannels` over
 * the backbone's (`layers`) map, then per cell a centre score and a box. The class head is a CNN of its
 * own (`classifier.layers`, then FC `fc`) on the image inside the box, warped to `classifier.size`; in training
 * it reads the true box moved and rescaled by up to `classifier.jitter` of its size, as predicted boxes are.
 */
export const localizerSchema = z.object({
  type: z.literal('localizer'),
  layers: convStackSchema,
  classifier: z
    .object({
      size: z.int().min(8).max(64).default(28),
      layers: convStackSchema,
      jitter: z.number().min(0).max(0.5).default(0.1),
    })
    .prefault({}),
  fc: hiddenLayersSchema([256]),
  boxChannels: z.int().min(1).max(512).default(64),
  activation: activationSchema,
  boxLoss: z.enum(['smooth-l1', 'l2']).default('smooth-l1'),
  /** Where smooth-L1 turns linear, on box codes (fractions of the input): 1/9 is about 7 px of 64. */
  smoothL1Beta: z
    .number()
    .min(0)
    .max(1)
    .default(1 / 9),
  boxWeight: z.number().positive().default(1),
});

/**
 * The sliding-window detector done the efficient way (OverFeat): a window classifier whose FC layers are
 * convolutions, run once per level of an image pyramid. `window.size` is the classifier's input side;
 * each of `window.sizes` (window sides in image pixels) is one pyramid level. The window stride is the
 * conv stack's downsampling. Trained on windows of training scenes: positives around each object,
 * random negatives, and hard negatives mined after each epoch.
 */
export const slidingWindowSchema = z.object({
  type: z.literal('sliding-window'),
  layers: convStackSchema,
  fc: hiddenLayersSchema([128]),
  activation: activationSchema,
  window: z
    .object({
      size: z.int().min(8).max(128).default(28),
      sizes: z.array(z.int().min(8).max(1024)).min(1).max(12).default([22, 28, 36, 46, 58]),
      /** An object fills this fraction of a window that frames it (MNIST: 20 of 28 px). */
      fill: z.number().min(0.3).max(1).default(0.7),
    })
    .prefault({}),
  sampling: z
    .object({
      positivesPerObject: z.int().min(1).max(16).default(2),
      negativesPerImage: z.int().min(0).max(64).default(6),
      hardNegativesPerImage: z.int().min(0).max(64).default(4),
      /** Training images scanned for hard negatives after each epoch, a different slice each time. */
      minedImages: z.int().min(0).max(100_000).default(256),
      /** Windows with IoU at least this with an object's framing window are that object's. */
      positiveIou: unitInterval.default(0.5),
      /** Windows below this IoU with every framing window are background (between the two: unused). */
      negativeIou: unitInterval.default(0.5),
    })
    .prefault({})
    .refine((s) => s.negativeIou <= s.positiveIou, { message: 'negativeIou must not exceed positiveIou' }),
  boxWeight: z.number().positive().default(1),
  scoreThreshold: unitInterval.default(0.05),
  nmsIou: unitInterval.default(0.5),
  detectionsPerImage: z.int().min(1).max(1000).default(100),
});

/** R-CNN: each proposal warped to `warpSize` and classified by its own forward pass. */
export const rcnnSchema = z.object({
  type: z.literal('rcnn'),
  layers: convStackSchema,
  fc: hiddenLayersSchema([128]),
  activation: activationSchema,
  proposals: proposalsSchema,
  warpSize: z.int().min(8).max(256).default(28),
  roiHeads: roiHeadsSchema,
});

/** Fast R-CNN: one backbone pass, RoI pooling of the proposals, two FC layers. */
export const fastRcnnSchema = z.object({
  type: z.literal('fast-rcnn'),
  layers: convStackSchema,
  fc: hiddenLayersSchema([256, 256]),
  activation: activationSchema,
  proposals: proposalsSchema,
  roiPool: z
    .object({
      method: z.enum(['pool', 'align']).default('pool'),
      output: z.int().min(1).max(32).default(7),
      samplingRatio: z.int().min(0).max(8).default(2),
    })
    .prefault({}),
  /** The conv blocks whose maps the box head reads (default: the last). */
  roiMaps: blockMapsSchema.optional(),
  roiHeads: roiHeadsSchema,
});

const fasterRcnnFields = {
  layers: convStackSchema,
  fc: hiddenLayersSchema([256, 256]),
  activation: activationSchema,
  anchors: anchorsSchema,
  rpn: rpnSchema,
  roiAlign: roiAlignSchema,
  /** The conv blocks whose maps the box head reads (default: the last, the RPN's). */
  roiMaps: blockMapsSchema.optional(),
  roiHeads: roiHeadsSchema,
  lambda: z
    .number()
    .positive()
    .default(10)
    .describe('weight of the box loss (Faster R-CNN paper, lambda = 10)'),
};

export const fasterRcnnSchema = z.object({ type: z.literal('faster-rcnn'), ...fasterRcnnFields });

export const maskRcnnSchema = z.object({
  type: z.literal('mask-rcnn'),
  ...fasterRcnnFields,
  maskHead: maskHeadSchema,
});

/** Tokens a captioner's labels hold after its words; no caption may use them as words. */
export const CAPTION_SPECIAL_TOKENS = ['<start>', '<end>', '<pad>'] as const;
/** The longest caption, in words, a captioner decodes (the ceiling of its `maxLength`). */
export const CAPTION_MAX_WORDS = 64;

/**
 * A captioner's glimpse (after Ba et al. 2015's glimpse network): at every step the decoder places a square
 * where its attention peaks (the attention's mean of the cell centres near its highest weight), reads it at
 * `size x size` pixels through `layers` and an affine map to `features` (with the activation), and the word
 * scores read those features beside `[h_t; z_t]`. The square's offset from that point and the side of the
 * word's box are regressed from `[h_t; z_t]`, trained by smooth L1 towards each word's box (weight
 * `boxWeight`) on datasets that say where each word lies; the square is that side times `context` (MNIST's
 * 20-pixel digits in 28). In training, `truthShare` of the words with a box are read at their true box's
 * square instead, so that the reader learns from well placed squares while the attention and the box still
 * learn where to look; on those words an affine map of the reader's features (the namer, read only by
 * training) is trained to name the word, cross-entropy of weight `nameWeight`.
 */
export const glimpseSchema = z.object({
  size: z.int().min(8).max(64).default(28),
  context: z.number().min(1).max(4).default(1.4),
  layers: z
    .array(convBlockSchema)
    .min(1)
    .max(8)
    .prefault([{ filters: 32 }, { filters: 64 }, { filters: 64 }]),
  features: z.int().min(1).max(4096).default(128),
  boxWeight: z.number().min(0).default(1),
  truthShare: z.number().min(0).max(1).default(0.5),
  /**
   * A true box read in training is first moved and rescaled at random: its centre by up to this share of its
   * longest side on each axis, its side by a factor in `[e^-jitter, e^jitter]`, as the squares the model
   * places itself are off.
   */
  jitter: z.number().min(0).max(0.5).default(0),
  /**
   * Read twice: the first read's features and what the step read move and rescale the square (trained
   * towards the word's box by the same smooth L1 and `boxWeight`), and the word is read there.
   */
  refine: z.boolean().default(false),
  nameWeight: z.number().min(0).default(1),
});

/**
 * CS231n assignment 3 CaptioningRNN: image features -> h0, word embeddings, rnn/lstm, optional soft
 * attention over the conv stack's grid (Show, Attend and Tell) with the doubly stochastic penalty
 * `attentionPenalty * sum_cells (1 - sum_steps alpha)^2`. `tbptt` cuts the gradient through the
 * recurrent state every that many steps; `maxLength` caps the words of a decoded caption.
 */
export const captionerSchema = z.object({
  type: z.literal('captioner'),
  cell: z.enum(['rnn', 'lstm']).default('lstm'),
  attention: z.boolean().default(false),
  /** Attention also reads how much each cell has had so far (coverage, Tu et al. 2016). */
  coverage: z.boolean().default(false),
  layers: convStackSchema,
  /**
   * Conv blocks after `layers`, trained even when `transferFrom` freezes the stack it starts from: a
   * detector's frozen backbone finds digits, and these learn what the attention should read of them.
   */
  encoderHead: z.array(convBlockSchema).min(1).max(8).optional(),
  /**
   * A finer grid: the conv block of `layers` whose map gives the cells. The head's map (or the stack's
   * last) is brought up to that map's size by nearest neighbour, a whole factor, and each cell reads both,
   * so two digits whose centres lie within one coarse cell fall in different cells (on digit scenes, a
   * stride-4 grid read them no better than the stride-8 one: README).
   */
  fineMap: z.int().min(0).max(15).optional(),
  activation: activationSchema,
  wordvecDim: z.int().min(1).max(2048).default(128),
  hiddenDim: z.int().min(1).max(4096).default(128),
  /**
   * Width of the attention's energies (`W_f a_i + W_h h`), `hiddenDim` unless given: their cost grows with
   * cells x this width at every step, so a fine grid (`fineMap`) wants it narrower.
   */
  attentionDim: z.int().min(1).max(4096).optional(),
  maxLength: z.int().min(1).max(CAPTION_MAX_WORDS).default(16),
  /**
   * Summed over 64 cells for captions of a few words, weight 1 pulls attention towards uniform: a
   * 10-scene fit's word loss was 4x that of weight 0.01 (or 0) after 60 steps.
   */
  attentionPenalty: z.number().min(0).default(0.01),
  /**
   * Supervised attention (Liu et al. 2017, "Attention Correctness"): the weight of the cross-entropy between
   * each word's attention and the share of every cell its object's box covers, on datasets that say where
   * each word lies (digit scenes). Needs `attention`.
   */
  attentionSupervision: z.number().min(0).default(0),
  /**
   * Supervised reading: the weight of a loss that trains every grid cell, through an affine map of its
   * features (the reader), to name the word whose box holds the cell's centre (cross-entropy; `<pad>` where
   * no box does, cells inside two boxes left out) and to place that box's centre (smooth L1, in cells). It
   * gives the encoder each digit's reading and place directly, not only through the attention's mix of
   * cells; on datasets that say where each word lies (digit scenes). `orderAttention` reads the places.
   */
  cellSupervision: z.number().min(0).default(0),
  /**
   * Ordered attention: each step's energies also read, per cell, how far right of the last word's centre
   * the centre of the cell's own word lies (in cells; the reader's placement, so it needs `cellSupervision`,
   * and the last word's centre is its attention's mean of them), for captions read left to right. Needs
   * `attention`; not with `coverage`, whose slot in the energies it takes.
   */
  orderAttention: z.boolean().default(false),
  tbptt: z.int().min(1).max(64).optional(),
  /**
   * Show, Attend and Tell's deep output layer (eq. 7), this wide: the word scores read
   * `tanh(L_h h_t + L_z z_t + L_e E y_{t-1})` instead of an affine map of `[h_t; z_t]`.
   */
  deepOutput: z.int().min(1).max(4096).optional(),
  /** Reads each word's digit from the image where the attention points (`glimpseSchema`); needs `attention`. */
  glimpse: glimpseSchema.optional(),
});

/** Most captioners one ensemble averages: each costs a full decode per caption. */
export const MAX_ENSEMBLE_MEMBERS = 6;

/**
 * Published captioners decoded together: at every step each member reads the words chosen so far, and the
 * next word is the best of the mean of their word log-probabilities (renormalised); the attention is their
 * mean. Members are pinned versions with the same vocabulary and input; a job trains nothing, it scores the
 * ensemble on its dataset and publishes the members' weights as one version.
 */
export const captionerEnsembleSchema = z.object({
  type: z.literal('captioner-ensemble'),
  members: z
    .array(z.object({ model: modelNameSchema, version: modelVersionSchema }))
    .min(2)
    .max(MAX_ENSEMBLE_MEMBERS)
    .refine((members) => new Set(members.map((m) => `${m.model}@${m.version}`)).size === members.length, {
      message: 'each member is a different published version',
    }),
});

export const architectureSchema = z.discriminatedUnion('type', [
  knnSchema,
  linearSchema,
  mlpSchema,
  cnnSchema,
  localizerSchema,
  slidingWindowSchema,
  rcnnSchema,
  fastRcnnSchema,
  fasterRcnnSchema,
  maskRcnnSchema,
  captionerSchema,
  captionerEnsembleSchema,
]);
export type Architecture = z.infer<typeof architectureSchema>;

/**
 * What a trained network's manifest adds to its architecture (`architecture.network`): the per-example
 * input shape after preprocessing, the classes, and the dropout and init it was built with. `convDropout` (the
 * conv blocks' channel dropout) is absent from manifests written before it existed: half of `dropout` then.
 */
export const networkShapeSchema = z.object({
  inputShape: z.array(z.int().min(1)).min(1),
  classes: z.int().min(1),
  dropout: z.number().min(0).lt(1),
  convDropout: z.number().min(0).lt(1).optional(),
  init: z.enum(['small', 'xavier', 'he', 'he-leaky']),
});
export type NetworkShape = z.infer<typeof networkShapeSchema>;
