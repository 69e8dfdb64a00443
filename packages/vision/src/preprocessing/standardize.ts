import type { Tensor } from '@ocellus/tensor';
import { isConstant, type StatisticsAxis } from './features.js';
import { fitGroups, GroupAffine, requireKind } from './group-affine.js';

export interface StandardizeJson {
  kind: 'standardize';
  per: StatisticsAxis;
  featureShape: number[];
  mean: number[];
  std: number[];
}

/**
 * (x - mu) / sigma with the training split's mean and population standard deviation. A constant
 * group (sigma 0) keeps sigma = 1, so it is only centred instead of dividing by zero.
 */
export class Standardize extends GroupAffine {
  private constructor(
    per: StatisticsAxis,
    featureShape: readonly number[],
    readonly mean: readonly number[],
    readonly std: readonly number[],
  ) {
    super('standardize', per, featureShape, mean, std);
  }

  static fit(x: Tensor, per: StatisticsAxis = 'channel'): Standardize {
    const { featureShape, stats } = fitGroups(x, per);
    const std = stats.std.map((s, g) => (isConstant(s, stats.mean[g]!) ? 1 : s));
    return new Standardize(per, featureShape, stats.mean, std);
  }

  static fromJSON(json: StandardizeJson): Standardize {
    requireKind(json.kind, 'standardize');
    return new Standardize(json.per, json.featureShape, json.mean, json.std);
  }

  toJSON(): StandardizeJson {
    return {
      kind: 'standardize',
      per: this.per,
      featureShape: [...this.featureShape],
      mean: [...this.mean],
      std: [...this.std],
    };
  }
}
