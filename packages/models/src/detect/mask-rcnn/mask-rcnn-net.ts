import type { NetworkShape } from '@ocellus/contracts';
import type { Rng } from '@ocellus/tensor';
import { FasterRcnnNet } from '../faster-rcnn/faster-rcnn-net.js';
import type { MaskRcnnArchitecture } from './architecture.js';
import { MaskHead } from './mask-head.js';

/**
 * Mask R-CNN's weights: Faster R-CNN's (`backbone`, `rpn`, `head`) and the mask head (`mask`), which reads
 * the maps of `maskMaps` (conv blocks; the box head's unless the spec's `maskHead.maps` names others).
 */
export class MaskRcnnNet extends FasterRcnnNet {
  readonly mask: MaskHead;
  readonly maskMaps: readonly number[];

  constructor(arch: Omit<MaskRcnnArchitecture, 'type'>, shape: NetworkShape, rng: Rng) {
    super(arch, shape, rng);
    this.maskMaps = arch.maskHead.maps ?? this.roiMaps;
    this.mask = this.registerModule(
      'mask',
      new MaskHead(this.mapChannels(this.maskMaps), arch.maskHead, shape.classes, { init: shape.init, rng }),
    );
  }

  protected override readBlocks(): readonly number[] {
    return [...this.roiMaps, ...this.maskMaps];
  }
}
