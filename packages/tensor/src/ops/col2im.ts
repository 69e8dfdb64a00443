import { type Conv2dGeometry, conv2dGeometry } from '../kernels/conv-geometry.js';
import { col2im, im2col } from '../kernels/im2col.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import type { Im2colAttrs } from './im2col.js';
import { defineOp, input } from './op.js';

export interface Col2imAttrs extends Im2colAttrs {
  /** The image shape [n, c, h, w] the patches came from. */
  imageShape: [number, number, number, number];
}

/** Patches [n*oh*ow, c*kh*kw] summed back into an image (the adjoint of im2col); the backward is im2col. */
export const col2imOp = defineOp<Col2imAttrs, { geo: Conv2dGeometry }>({
  saves: ['geo'],
  forward(inputs, { kernel, imageShape, ...rest }) {
    const cols = input(inputs, 0);
    const [n, c, h, w] = imageShape;
    const geo = conv2dGeometry({ n, c, h, w, outChannels: 1, kh: kernel[0], kw: kernel[1], ...rest });
    if (cols.ndim !== 2 || cols.shape[0] !== geo.positions || cols.shape[1] !== geo.patchSize) {
      throw new Error(`col2im: patches must have shape [${geo.positions}, ${geo.patchSize}]`);
    }
    const out = allocate(cols.dtype, n * c * h * w);
    col2im(cols.values(), geo, out);
    return { out: new Tensor(out, imageShape), saved: { geo } };
  },
  backward(g, { geo }) {
    const cols = allocate(g.dtype, geo.positions * geo.patchSize);
    im2col(g.values(), geo, cols);
    return [new Tensor(cols, [geo.positions, geo.patchSize])];
  },
});
