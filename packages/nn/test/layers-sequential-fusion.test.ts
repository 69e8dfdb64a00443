import {
  BatchNorm2d,
  Conv2d,
  Flatten,
  LeakyReLU,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
} from '@ocellus/nn/layers';
import type { TensorModule } from '@ocellus/nn/module';
import { add, mul, noGrad, sum, type Tensor } from '@ocellus/tensor';
import { describe, expect, it, vi } from 'vitest';
import { checkFn, checkModule, expectAllClose, expectGradCheck, r64 } from './layers-helpers.js';

/** The layers one by one, never fused. */
const stepwise = (layers: readonly TensorModule[], x: Tensor) => layers.reduce((h, l) => l.forward(h), x);

const lenetLike = () =>
  new Sequential(
    new Conv2d(2, 3, 3, { padding: 1, seed: 1, dtype: 'float64' }),
    new ReLU(),
    new Conv2d(3, 3, 3, { padding: 1, seed: 7, dtype: 'float64', bias: false }),
    new BatchNorm2d(3, { dtype: 'float64' }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(3 * 3 * 3, 4, { seed: 2, dtype: 'float64' }),
    new ReLU(),
    new Linear(4, 2, { seed: 3, dtype: 'float64' }),
  );

describe('Sequential fuses a ReLU into the Conv2d, BatchNorm or Linear before it', () => {
  it('runs Conv2d + ReLU, BatchNorm + ReLU and Linear + ReLU as single ops', () => {
    const x = r64([1, 1, 5, 5]).detach();
    const out = new Sequential(new Conv2d(1, 2, 3, { seed: 4, dtype: 'float64' }), new ReLU()).forward(x);
    expect(out.node?.op).toBe('conv2d');
    const bn = new Sequential(new BatchNorm2d(1, { dtype: 'float64' }), new ReLU());
    expect(bn.forward(r64([2, 1, 3, 3]).detach()).node?.op).toBe('batchNorm');
    const fc = new Sequential(new Linear(3, 2, { seed: 5, dtype: 'float64' }), new ReLU());
    expect(fc.forward(r64([4, 3]).detach()).node?.op).toBe('linear');
  });

  it('leaves other activations and ReLU subclasses as their own layers', () => {
    class ClippedReLU extends ReLU {}
    const leaky = new Sequential(new Linear(3, 2, { seed: 6, dtype: 'float64' }), new LeakyReLU(0.1));
    expect(leaky.forward(r64([4, 3]).detach()).node?.op).not.toBe('linear');
    const sub = new Sequential(new Linear(3, 2, { seed: 6, dtype: 'float64' }), new ClippedReLU());
    expect(sub.forward(r64([4, 3]).detach()).node?.op).toBe('relu');
  });

  it('gives the values and gradients of the layers applied one by one', () => {
    const fused = lenetLike();
    const plain = lenetLike();
    const x = r64([2, 2, 6, 6]).detach();
    expectAllClose(fused.forward(x).values(), stepwise(plain.layers, x).values());
    sum(fused.forward(x)).backward();
    sum(stepwise(plain.layers, x)).backward();
    const grads = (m: Sequential) => m.parameters().map((p) => Array.from(p.grad?.values() ?? []));
    grads(fused).forEach((g, i) => {
      expectAllClose(g, grads(plain)[i]!);
    });
  });

  it('passes a gradient check of the fused net', () => {
    expectGradCheck(
      'Sequential (fused conv/linear + ReLU)',
      checkModule(lenetLike(), r64([2, 2, 6, 6])),
      1e-5,
    );
  });
});

describe('Sequential.forwardTaps', () => {
  it("gives each range's output as the layers one by one do, with and without gradients", () => {
    const net = lenetLike();
    const x = r64([2, 2, 6, 6]).detach();
    const expected = [2, 6, 10].map((end) => stepwise(net.layers.slice(0, end), x).values());
    const taps = net.forwardTaps(x, [2, 6, 10]);
    taps.forEach((t, i) => {
      expectAllClose(t.values(), expected[i]!);
    });
    const quiet = noGrad(() => net.forwardTaps(x, [2, 6, 10]).map((t) => t.values()));
    quiet.forEach((values, i) => {
      expectAllClose(values, expected[i]!);
    });
  });

  it('never fuses a ReLU across a tap, so the tap sees the pre-activation map', () => {
    const net = new Sequential(new Conv2d(1, 2, 3, { seed: 4, dtype: 'float64' }), new ReLU());
    const x = r64([1, 1, 5, 5]).detach();
    const [conv, after] = net.forwardTaps(x, [1, 2]);
    expect(conv!.node?.op).toBe('conv2d');
    expect(Array.from(conv!.values()).some((v) => v < 0)).toBe(true);
    expectAllClose(after!.values(), stepwise(net.layers, x).values());
  });

  it('refuses ends that do not ascend inside the stack', () => {
    const net = lenetLike();
    const x = r64([1, 2, 6, 6]).detach();
    expect(() => net.forwardTaps(x, [3, 3])).toThrow(/ascend within 1\.\.10/);
    expect(() => net.forwardTaps(x, [11])).toThrow(/got \[11\]/);
  });

  it('passes a gradient check through a sum of two taps', () => {
    const net = lenetLike();
    const check = (x: Tensor) => {
      const [mid, out] = net.forwardTaps(x, [6, 10]);
      return add(sum(mul(mid!, mid!)), sum(out!));
    };
    expectGradCheck('Sequential.forwardTaps', checkFn(check, r64([2, 2, 6, 6]), net.parameters()), 1e-5);
  });
});

describe('Sequential without gradients: a Conv2d and the eval BatchNorm2d, ReLU and 2x2 max-pool after it as one op', () => {
  /** lenetLike with running statistics of its own (one training pass), switched to eval. */
  function trainedStats(): Sequential {
    const net = lenetLike();
    net.forward(r64([4, 2, 6, 6]).detach());
    net.eval();
    return net;
  }

  it('gives the values of the layers one by one, the norm folded into the conv weights', () => {
    const net = trainedStats();
    const x = r64([3, 2, 6, 6]).detach();
    const bn = net.layers[3] as BatchNorm2d;
    const pool = net.layers[5] as MaxPool2d;
    expect(Array.from(bn.runningMean.values()).some((v) => v !== 0)).toBe(true);
    const spies = [vi.spyOn(bn, 'forward'), vi.spyOn(bn, 'forwardRelu'), vi.spyOn(pool, 'forward')];
    const fused = noGrad(() => net.forward(x));
    spies.forEach((spy) => {
      expect(spy).not.toHaveBeenCalled();
    });
    expectAllClose(fused.values(), stepwise(net.layers, x).values(), 1e-12);
  });

  it('folds nothing while a gradient is wanted or the norm is training', () => {
    const net = trainedStats();
    const bn = net.layers[3] as BatchNorm2d;
    const fold = vi.spyOn(bn, 'fold');
    net.forward(r64([2, 2, 6, 6]).detach());
    net.train();
    noGrad(() => net.forward(r64([2, 2, 6, 6]).detach()));
    expect(fold).not.toHaveBeenCalled();
    expect(() => bn.fold(bn.weight, null)).toThrow(/only eval statistics/);
  });

  it('keeps block boundaries at a tap and pools odd maps as maxPool2d(2) does', () => {
    const net = trainedStats();
    const x = r64([2, 2, 7, 7]).detach();
    const [tap, out] = noGrad(() => net.forwardTaps(x, [4, 10]).map((t) => t.values()));
    expectAllClose(tap!, stepwise(net.layers.slice(0, 4), x).values(), 1e-12);
    expectAllClose(out!, stepwise(net.layers, x).values(), 1e-12);
    expectAllClose(noGrad(() => net.forward(x)).values(), stepwise(net.layers, x).values(), 1e-12);
  });
});
