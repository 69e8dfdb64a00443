import type { Tensor } from '@ocellus/tensor';
import { isConstant, type StatisticsAxis } from './features.js';
import { fitGroups, GroupAffine, requireKind } from './group-affine.js';

export interface MinMaxJson {
  kind: 'minmax';
  per: StatisticsAxis;
  featureShape: number[];
  min: number[];
  max: number[];
}

/**
 * (x - min) / (max - min) with the training split's range, so training data lands in [0, 1]; other
 * data is mapped by the same line, unclipped. A constant group maps to 0.
 */
export class MinMaxScale extends GroupAffine {
  private constructor(
    per: StatisticsAxis,
    featureShape: readonly number[],
    readonly min: readonly number[],
    readonly max: readonly number[],
  ) {
    const range = max.map((high, g) => {
      const low = min[g]!;
      return isConstant(high - low, low, high) ? 1 : high - low;
    });
    super('minmax', per, featureShape, min, range);
  }

  static fit(x: Tensor, per: StatisticsAxis = 'channel'): MinMaxScale {
    const { featureShape, stats } = fitGroups(x, per);
    return new MinMaxScale(per, featureShape, stats.min, stats.max);
  }

  static fromJSON(json: MinMaxJson): MinMaxScale {
    requireKind(json.kind, 'minmax');
    return new MinMaxScale(json.per, json.featureShape, json.min, json.max);
  }

  toJSON(): MinMaxJson {
    return {
      kind: 'minmax',
      per: this.per,
      featureShape: [...this.featureShape],
      min: [...this.min],
      max: [...this.max],
    };
  }
}
