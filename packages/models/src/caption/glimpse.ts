import type { Box } from '@ocellus/contracts';
import { Flatten, Linear, Sequential } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import { concat, type Rng, roiAlign, Tensor } from '@ocellus/tensor';
import { activationLayer } from '../networks/activation.js';
import { convStack, type StackOptions } from '../networks/stacks.js';
import type { CellGrid } from './attention-supervision.js';
import type { CaptionerArchitecture } from './captioner-architecture.js';

export type GlimpseSpec = NonNullable<CaptionerArchitecture['glimpse']>;

/** The box regression's outputs per step: the centre's offset `dx, dy` from the anchor and the log side. */
export const GLIMPSE_BOX_OUTPUTS = 3;
/** Regressed log sides are clamped to +-this when placing a square: an untrained head asks for no huge or empty one. */
const LOG_SIDE_LIMIT = 2;

/**
 * The box's units on an image: offsets count `unit` pixels (an eighth of its shorter side, 16 on a
 * 128x128 scene) and the side is `2 * unit * exp(s)`, so that zero outputs mean a 32-pixel box on the anchor.
 */
export const unitOf = (grid: CellGrid) => Math.min(grid.width, grid.height) / 8;

/**
 * Cells either side of the attention's peak that its anchor reads: the weight left over the rest of the
 * image pulls a mean over every cell away from the word (on `digits-captioner` version 3's test scenes, read
 * with the true words, 20.7% of those means lie more than 8 pixels from the word's box centre, 5.4% of these).
 */
export const ANCHOR_WINDOW = 2;

/**
 * Per row of `alpha [K, cells]`, where its glimpse is anchored, `[K * 2]` image pixels (x, y): the
 * attention's mean of the cell centres within `ANCHOR_WINDOW` cells of its highest weight.
 */
export function glimpseAnchors(alpha: ArrayLike<number>, k: number, grid: CellGrid): Float32Array {
  const { rows, cols, width, height } = grid;
  const cells = rows * cols;
  const anchors = new Float32Array(k * 2);
  for (let i = 0; i < k; i++) {
    const base = i * cells;
    let peak = 0;
    for (let cell = 1; cell < cells; cell++) if (alpha[base + cell]! > alpha[base + peak]!) peak = cell;
    const [pr, pc] = [Math.floor(peak / cols), peak % cols];
    let [x, y, total] = [0, 0, 0];
    for (let r = Math.max(0, pr - ANCHOR_WINDOW); r <= Math.min(rows - 1, pr + ANCHOR_WINDOW); r++) {
      for (let c = Math.max(0, pc - ANCHOR_WINDOW); c <= Math.min(cols - 1, pc + ANCHOR_WINDOW); c++) {
        const a = alpha[base + r * cols + c]!;
        x += (a * (c + 0.5) * width) / cols;
        y += (a * (r + 0.5) * height) / rows;
        total += a;
      }
    }
    anchors[i * 2] = total > 0 ? x / total : ((pc + 0.5) * width) / cols;
    anchors[i * 2 + 1] = total > 0 ? y / total : ((pr + 0.5) * height) / rows;
  }
  return anchors;
}

/**
 * Where each row's glimpse lies, `[K * 3]` pixels (centre x, centre y, side): the anchor moved by the
 * regressed offset and the regressed side, or for a row that `truth` gives a box, that box's centre and
 * longest side.
 */
export function glimpsePlaces(
  raw: ArrayLike<number>,
  anchors: Float32Array,
  grid: CellGrid,
  truth?: readonly (Box | null)[],
): Float32Array {
  const k = anchors.length / 2;
  const unit = unitOf(grid);
  const places = new Float32Array(k * 3);
  for (let i = 0; i < k; i++) {
    const box = truth?.[i];
    places.set(
      box
        ? [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2, Math.max(box[2] - box[0], box[3] - box[1])]
        : [
            anchors[i * 2]! + raw[i * 3]! * unit,
            anchors[i * 2 + 1]! + raw[i * 3 + 1]! * unit,
            2 * unit * Math.exp(Math.max(-LOG_SIDE_LIMIT, Math.min(LOG_SIDE_LIMIT, raw[i * 3 + 2]!))),
          ],
      i * 3,
    );
  }
  return places;
}

/** RoIAlign rows `[K, 5]` (image row, x1, y1, x2, y2) of squares on `places`, each side times `context`. */
export function placeSquares(places: Float32Array, context: number, image: (i: number) => number): Tensor {
  const k = places.length / 3;
  const rois = new Float32Array(k * 5);
  for (let i = 0; i < k; i++) {
    const [x, y, side] = [places[i * 3]!, places[i * 3 + 1]!, places[i * 3 + 2]!];
    const half = (side / 2) * context;
    rois.set([image(i), x - half, y - half, x + half, y + half], i * 5);
  }
  return new Tensor(rois, [k, 5]);
}

/**
 * A refinement moves a glimpse by at most this many of its sides and rescales it by at most e^this: an
 * untrained head sends no square off the image.
 */
const REFINE_LIMIT = 1;

const clamp = (v: number) => Math.max(-REFINE_LIMIT, Math.min(REFINE_LIMIT, v));

/**
 * The places of a second read (`glimpsePlaces`' layout, `[K * 3]` centre x, y and side) from the first's
 * and the refinement's outputs `[K, 3]`: the centre moves by `dx, dy` sides, the side is scaled by `e^ds`.
 */
export function refinePlaces(places: Float32Array, delta: ArrayLike<number>): Float32Array {
  const moved = new Float32Array(places.length);
  for (let i = 0; i < places.length; i += 3) {
    const side = places[i + 2]!;
    moved[i] = places[i]! + clamp(delta[i]!) * side;
    moved[i + 1] = places[i + 1]! + clamp(delta[i + 1]!) * side;
    moved[i + 2] = side * Math.exp(clamp(delta[i + 2]!));
  }
  return moved;
}

/**
 * `box` moved and rescaled at random, as a square the model places is off its digit: the centre by up to
 * `amount` of the box's longest side on each axis, both sides by one factor in `[e^-amount, e^amount]`.
 */
export function jitterBox(box: Box, amount: number, rng: Rng): Box {
  const draw = () => (2 * rng.uniform() - 1) * amount;
  const side = Math.max(box[2] - box[0], box[3] - box[1]);
  const x = (box[0] + box[2]) / 2 + draw() * side;
  const y = (box[1] + box[3]) / 2 + draw() * side;
  const scale = Math.exp(draw());
  const [halfW, halfH] = [((box[2] - box[0]) / 2) * scale, ((box[3] - box[1]) / 2) * scale];
  return [x - halfW, y - halfH, x + halfW, y + halfH];
}

/**
 * One step's glimpse: box outputs, anchors, the reader's features, in training the namer's scores of them,
 * and with `refine` where the first read lay and the refinement's outputs.
 */
export interface GlimpseStep {
  raw: Tensor;
  anchors: Float32Array;
  features: Tensor;
  /** `[K * 3]` first places (`glimpsePlaces`) and the refinement's outputs `[K, 3]` from them (`refinePlaces`). */
  refined: { places: Float32Array; raw: Tensor } | null;
  /** With `truth` and a namer: word scores `[K, V]` of every row's features, and which rows read a true box. */
  named: { scores: Tensor; truthRows: Uint8Array } | null;
}

/**
 * The glimpse of `glimpseSchema`: `box`, the affine map of what a step read to its box outputs,
 * `reader`, the conv stack, flatten, affine map to `features` and the activation over the square, and
 * with `nameWeight` the `namer`, an affine map of those features to word scores read only by training.
 */
export class Glimpse extends Module {
  readonly box: Linear;
  readonly reader: Sequential;
  readonly namer: Linear | null;
  /** With `refine`: the affine map of the first read's features and what the step read to a move of the square. */
  readonly refine: Linear | null;
  readonly features: number;

  constructor(
    private readonly spec: GlimpseSpec,
    readWidth: number,
    imageChannels: number,
    vocabulary: number,
    stack: StackOptions,
  ) {
    super();
    const { rng, init } = stack;
    this.box = this.registerModule(
      'box',
      new Linear(readWidth, GLIMPSE_BOX_OUTPUTS, { init: 'xavier', rng }),
    );
    const conv = convStack(spec.layers, [imageChannels, spec.size, spec.size], stack);
    const flat = conv.shape[0] * conv.shape[1] * conv.shape[2];
    this.reader = this.registerModule(
      'reader',
      new Sequential(
        ...conv.layers,
        new Flatten(),
        new Linear(flat, spec.features, { init, rng }),
        activationLayer(stack.activation),
      ),
    );
    this.namer =
      spec.nameWeight > 0
        ? this.registerModule('namer', new Linear(spec.features, vocabulary, { init: 'xavier', rng }))
        : null;
    this.refine = spec.refine
      ? this.registerModule(
          'refine',
          new Linear(spec.features + readWidth, GLIMPSE_BOX_OUTPUTS, { init: 'xavier', rng }),
        )
      : null;
    this.features = spec.features;
  }

  /**
   * One step's glimpse for K rows: the box outputs `[K, 3]` from `read [K, width]`, the anchors, and the
   * reader's features `[K, features]` of each row's square of `images` (K images, or one every row reads).
   * The square is placed out of the graph: the box learns from its own loss, not through the pixels. A row
   * that `truth` gives a box reads that box's square instead (training's share of true places). With
   * `refine`, the first read's features and `read` move the square, and the features are the second read's.
   */
  forward(
    images: Tensor,
    alpha: Tensor,
    read: Tensor,
    grid: CellGrid,
    truth?: readonly (Box | null)[],
  ): GlimpseStep {
    const raw = this.box.forward(read);
    const anchors = glimpseAnchors(alpha.values(), read.shape[0]!, grid);
    const places = glimpsePlaces(raw.values(), anchors, grid, truth);
    const first = this.read(images, places);
    const refined = this.refine ? { places, raw: this.refine.forward(concat([first, read], 1)) } : null;
    const features = refined ? this.read(images, refinePlaces(places, refined.raw.values())) : first;
    const named =
      truth && this.namer
        ? { scores: this.namer.forward(features), truthRows: Uint8Array.from(truth, (box) => (box ? 1 : 0)) }
        : null;
    return { raw, anchors, features, refined, named };
  }

  /** The reader's features of the squares on `places` of `images` (one per row, or one every row reads). */
  private read(images: Tensor, places: Float32Array): Tensor {
    const single = images.shape[0] === 1;
    const squares = placeSquares(places, this.spec.context, (i) => (single ? 0 : i));
    const pixels = roiAlign(images.detach(), squares, { outputSize: this.spec.size, aligned: true });
    return this.reader.forward(pixels);
  }
}
