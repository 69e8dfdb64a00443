import type { InitScheme } from '@ocellus/nn/init';
import { Conv2d, ConvTranspose2d, ReLU, Sequential } from '@ocellus/nn/layers';
import { Module } from '@ocellus/nn/module';
import type { Rng, Tensor } from '@ocellus/tensor';

/**
 * Mask R-CNN's mask head (torchvision's MaskRCNNHeads + MaskRCNNPredictor; children `convs`, `up`,
 * `logits`): `convs` 3x3 convs with ReLU on the RoIAligned map, a 2x2 stride-2 transposed conv with ReLU,
 * then a 1x1 conv to one mask logit map per class (background first, as the box head counts).
 */
export class MaskHead extends Module {
  readonly convs: Sequential;
  readonly up: Sequential;
  readonly logits: Conv2d;
  /** Input channels of its widest 3x3 conv, whose patch matrix is the largest scratch a pass takes. */
  readonly widestConv: number;

  constructor(
    inChannels: number,
    settings: { convs: number; channels: number },
    classes: number,
    init: { init: InitScheme; rng: Rng },
  ) {
    super();
    this.widestConv = Math.max(inChannels, settings.channels);
    const layers = Array.from({ length: settings.convs }, (_, i) => [
      new Conv2d(i === 0 ? inChannels : settings.channels, settings.channels, 3, { ...init, padding: 1 }),
      new ReLU(),
    ]).flat();
    this.convs = this.registerModule('convs', new Sequential(...layers));
    const transposed = new ConvTranspose2d(settings.channels, settings.channels, 2, { ...init, stride: 2 });
    this.up = this.registerModule('up', new Sequential(transposed, new ReLU()));
    this.logits = this.registerModule('logits', new Conv2d(settings.channels, classes + 1, 1, init));
  }

  /** Pooled RoIs [R, C, m, m] to mask logits [R, classes + 1, 2m, 2m]. */
  forward(pooled: Tensor): Tensor {
    return this.logits.forward(this.up.forward(this.convs.forward(pooled)));
  }

  /**
   * How many RoIs of `side x side` one pass may take so that its widest conv's patch matrix (float32,
   * 9 taps per input channel per cell) stays within `bytes`; at least one.
   */
  roisPerPass(side: number, bytes: number): number {
    return Math.max(1, Math.floor(bytes / (this.widestConv * 9 * side * side * 4)));
  }
}
