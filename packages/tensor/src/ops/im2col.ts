import { type Conv2dGeometry, conv2dGeometry } from '../kernels/conv-geometry.js';
import { col2im, im2col } from '../kernels/im2col.js';
import { allocate } from '../storage.js';
import { Tensor } from '../tensor.js';
import { requireRank } from './conv-inputs.js';
import { defineOp, input } from './op.js';

export interface Im2colAttrs {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

/** x [n, c, h, w] -> patches [n*oh*ow, c*kh*kw] (one row per output position); the backward is col2im. */
export const im2colOp = defineOp<Im2colAttrs, { inShape: readonly number[]; geo: Conv2dGeometry }>({
  saves: ['inShape', 'geo'],
  forward(inputs, { kernel, ...rest }) {
    const x = input(inputs, 0);
    requireRank('im2col', 'input', x, 4);
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const geo = conv2dGeometry({ n, c, h, w, outChannels: 1, kh: kernel[0], kw: kernel[1], ...rest });
    const cols = allocate(x.dtype, geo.positions * geo.patchSize);
    im2col(x.values(), geo, cols);
    return { out: new Tensor(cols, [geo.positions, geo.patchSize]), saved: { inShape: x.shape, geo } };
  },
  backward(g, { inShape, geo }) {
    const dx = allocate(
      g.dtype,
      inShape.reduce((a, b) => a * b, 1),
    );
    col2im(g.values(), geo, dx);
    return [new Tensor(dx, inShape)];
  },
});
