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
  /** Channels of its widest 3x3 conv (input or output), what a pass's conv scratch grows with. */
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
   * How many RoIs of `side x side` one pass may take for its conv scratch to stay near `bytes`, at least
   * one. An estimate, 9 floats per channel of the widest conv per cell (an im2col patch matrix; the direct
   * path's Winograd staging takes about 6 per input and 5 per output channel): callers keep `bytes` well
   * under the runtime's 1 GiB scratch limit.
   */
  roisPerPass(side: number, bytes: number): number {
    return Math.max(1, Math.floor(bytes / (this.widestConv * 9 * side * side * 4)));
  }
}
