import { z } from 'zod';

const unitInterval = z.number().min(0).max(1);

export const activationSchema = z.enum(['relu', 'leaky-relu', 'elu', 'tanh', 'sigmoid']).default('relu');

/** One conv - [batchnorm] - activation - [max-pool] block, CS231n's "[conv-relu-pool]xN". */
export const convBlockSchema = z.object({
  filters: z.int().min(1).max(1024),
  kernel: z.int().min(1).max(15).default(3),
  stride: z.int().min(1).max(4).default(1),
  padding: z.union([z.literal('same'), z.int().min(0).max(7)]).default('same'),
  pool: z.int().min(1).max(4).default(2).describe('max-pool window and stride; 1 means no pooling'),
  batchNorm: z.boolean().default(true),
});

/** A LeNet-sized stack, enough for 28x28 digits. */
export const convStackSchema = z
  .array(convBlockSchema)
  .min(1)
  .max(16)
  .prefault([
    { filters: 16, kernel: 5 },
    { filters: 32, kernel: 5 },
  ]);

export const hiddenLayersSchema = (fallback: number[]) =>
  z.array(z.int().min(1).max(8192)).max(8).prefault(fallback);

/** torchvision RoIHeads defaults (fg/bg IoU 0.5, 512 RoIs, 25% foreground, score 0.05, NMS 0.5, 100 kept). */
export const roiHeadsSchema = z
  .object({
    fgIou: unitInterval.default(0.5),
    bgIou: unitInterval.default(0.5),
    batchSizePerImage: z.int().min(1).max(4096).default(512),
    positiveFraction: unitInterval.default(0.25),
    boxWeights: z.tuple([z.number(), z.number(), z.number(), z.number()]).default([10, 10, 5, 5]),
    scoreThreshold: unitInterval.default(0.05),
    nmsIou: unitInterval.default(0.5),
    /**
     * After NMS, drop a detection with at least this fraction of its box inside a better-scored kept box
     * of its class (a part of an object read as the whole; off unless given).
     */
    containment: z.number().gt(0).max(1).optional(),
    detectionsPerImage: z.int().min(1).max(1000).default(100),
  })
  .prefault({});

export const roiAlignSchema = z
  .object({
    output: z.int().min(1).max(32).default(7),
    samplingRatio: z.int().min(0).max(8).default(2),
  })
  .prefault({});

/** Anchor sizes scaled to 96-128 px digit scenes; ratios are torchvision's. */
export const anchorsSchema = z
  .object({
    sizes: z.array(z.number().positive()).min(1).max(8).default([12, 24, 48]),
    ratios: z.array(z.number().positive()).min(1).max(8).default([0.5, 1, 2]),
  })
  .prefault({});

const topN = (train: number, test: number) =>
  z.object({ train: z.int().min(1).default(train), test: z.int().min(1).default(test) }).prefault({});

/** torchvision RPN defaults: IoU 0.7 / 0.3, 256 anchors, half positive, NMS 0.7, smooth-L1 beta 1/9. */
export const rpnSchema = z
  .object({
    channels: z.int().min(1).max(1024).default(64),
    fgIou: unitInterval.default(0.7),
    bgIou: unitInterval.default(0.3),
    batchSizePerImage: z.int().min(1).max(4096).default(256),
    positiveFraction: unitInterval.default(0.5),
    preNmsTopN: topN(2000, 1000),
    postNmsTopN: topN(2000, 1000),
    nmsIou: unitInterval.default(0.7),
    smoothL1Beta: z
      .number()
      .positive()
      .default(1 / 9),
  })
  .prefault({});

export const proposalsSchema = z
  .object({
    method: z
      .enum(['selective-search', 'sliding-window', 'connected-components'])
      .default('selective-search'),
    max: z.int().min(1).max(10_000).default(2000),
  })
  .prefault({});

/**
 * Conv blocks (0-based, ascending) whose maps a RoI head reads, each RoIAligned to the head's size and
 * stacked along channels: a finer map keeps a small object's strokes and edges that the last one
 * blurs (FPN's reason for reading the levels below).
 */
export const blockMapsSchema = z
  .array(z.int().min(0).max(15))
  .min(1)
  .max(4)
  .refine((blocks) => blocks.every((b, i) => i === 0 || b > blocks[i - 1]!), {
    message: 'list each conv block once, in ascending order',
  });

/** Mask R-CNN head: RoIAlign 14x14, four 3x3 convs, 2x up-conv to 28x28 logits. */
export const maskHeadSchema = z
  .object({
    /** The conv blocks the mask head reads (default: the box head's `roiMaps`). */
    maps: blockMapsSchema.optional(),
    roiOutput: z.int().min(1).max(64).default(14),
    convs: z.int().min(1).max(8).default(4),
    channels: z.int().min(1).max(512).default(64),
    resolution: z.int().min(2).max(128).default(28),
    threshold: unitInterval.default(0.5),
  })
  .prefault({});
