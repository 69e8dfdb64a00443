import type { NetworkShape } from '@ocellus/contracts';
import type { Rng } from '@ocellus/tensor';
import { FasterRcnnNet } from '../faster-rcnn/faster-rcnn-net.js';
import type { MaskRcnnArchitecture } from './architecture.js';
import { MaskHead } from './mask-head.js';

/** Mask R-CNN's weights: Faster R-CNN's (`backbone`, `rpn`, `head`) and the mask head (`mask`). */
export class MaskRcnnNet extends FasterRcnnNet {
  readonly mask: MaskHead;

  constructor(arch: Omit<MaskRcnnArchitecture, 'type'>, shape: NetworkShape, rng: Rng) {
    super(arch, shape, rng);
    const [channels] = this.map;
    this.mask = this.registerModule(
      'mask',
      new MaskHead(channels, arch.maskHead, shape.classes, { init: shape.init, rng }),
    );
  }
}
