import { ELU, elu, LeakyReLU, leakyRelu, PReLU, prelu, ReLU, Sigmoid, Tanh } from '@ocellus/nn/layers';
import type { TensorModule } from '@ocellus/nn/module';
import { mul, sum, tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { checkModule, expectAllClose, expectGradCheck, offKink, r64 } from './layers-helpers.js';

const xs = [-3, -0.5, 0.25, 2];
const apply = (m: TensorModule, values = xs) => [
  ...m.forward(tensor(values, undefined, { dtype: 'float64' })).values(),
];

describe('activation values', () => {
  it('Sigmoid, Tanh and ReLU follow their formulas', () => {
    expectAllClose(
      apply(new Sigmoid()),
      xs.map((x) => 1 / (1 + Math.exp(-x))),
    );
    expectAllClose(apply(new Tanh()), xs.map(Math.tanh));
    expect(apply(new ReLU())).toEqual([0, 0, 0.25, 2]);
  });

  it('LeakyReLU has slope 0.01 by default and is right for slopes above 1', () => {
    expectAllClose(
      apply(new LeakyReLU()),
      xs.map((x) => (x > 0 ? x : 0.01 * x)),
    );
    expect(apply(new LeakyReLU(2))).toEqual([-6, -1, 0.25, 2]);
  });

  it('ELU is alpha (e^x - 1) below 0 and x above', () => {
    expectAllClose(
      apply(new ELU(1.5)),
      xs.map((x) => (x > 0 ? x : 1.5 * (Math.exp(x) - 1))),
    );
  });

  it('ELU gives a finite gradient for large positive inputs', () => {
    const x = tensor([800, -800], undefined, { dtype: 'float64', requiresGrad: true });
    sum(elu(x)).backward();
    expect([...x.grad!.values()]).toEqual([1, 0]);
  });

  it('PReLU starts at slope 0.25 and can hold one slope per channel', () => {
    expect(apply(new PReLU())).toEqual([-0.75, -0.125, 0.25, 2]);
    const layer = new PReLU({ numParameters: 2, dtype: 'float64' });
    layer.alpha.data.set([0.5, 3]);
    const y = layer.forward(
      tensor(
        [
          [
            [-1, 1],
            [-1, 1],
          ],
        ],
        undefined,
        { dtype: 'float64' },
      ),
    );
    expect(y.toArray()).toEqual([
      [
        [-0.5, 1],
        [-3, 1],
      ],
    ]);
  });

  it('the functional forms match the modules', () => {
    const x = tensor(xs, undefined, { dtype: 'float64' });
    expect([...leakyRelu(x, 0.2).values()]).toEqual(apply(new LeakyReLU(0.2)));
    expect([...elu(x).values()]).toEqual(apply(new ELU()));
    expect([...prelu(x, tensor([0.25], undefined, { dtype: 'float64' })).values()]).toEqual(
      apply(new PReLU()),
    );
  });

  it('PReLU refuses a per-channel alpha that does not match axis 1', () => {
    expect(() => new PReLU({ numParameters: 3 }).forward(tensor([[1, 2]]))).toThrow(/expected 3 channels/);
  });

  it("PReLU's alpha is learnable but not regularised", () => {
    const layer = new PReLU();
    expect(layer.parameters()).toEqual([layer.alpha]);
    expect(layer.regularizedParameters()).toEqual([]);
  });
});

describe('activation gradient checks (float64, off the kinks)', () => {
  it('Sigmoid and Tanh are smooth: < 1e-7', () => {
    expectGradCheck('Sigmoid', checkModule(new Sigmoid(), r64([3, 4], -4, 4)), 1e-7);
    expectGradCheck('Tanh', checkModule(new Tanh(), r64([3, 4], -3, 3)), 1e-7);
  });

  it('ReLU, LeakyReLU and ELU: < 1e-5 off the kink', () => {
    expectGradCheck('ReLU', checkModule(new ReLU(), offKink([3, 4])), 1e-5);
    expectGradCheck('LeakyReLU', checkModule(new LeakyReLU(), offKink([3, 4])), 1e-5);
    expectGradCheck('LeakyReLU (slope 1.5)', checkModule(new LeakyReLU(1.5), offKink([3, 4])), 1e-5);
    expectGradCheck('ELU', checkModule(new ELU(0.7), mul(offKink([3, 4]), 2).detach()), 1e-5);
  });

  it('PReLU checks its input and its alpha, shared and per channel', () => {
    const shared = new PReLU({ dtype: 'float64' });
    expectGradCheck('PReLU (shared alpha)', checkModule(shared, offKink([2, 3, 2])), 1e-5);
    const perChannel = new PReLU({ numParameters: 3, dtype: 'float64' });
    perChannel.alpha.data.set([0.1, -0.4, 1.7]);
    expectGradCheck('PReLU (per-channel alpha)', checkModule(perChannel, offKink([2, 3, 2, 2])), 1e-5);
  });
});
