import { Tensor } from '@ocellus/tensor';
import {
  affinePerGroup,
  featureGroups,
  featureRows,
  groupStatistics,
  isConstant,
  requireFeatures,
  requireGroupCount,
  type StatisticsAxis,
} from './features.js';

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
export class MinMaxScale {
  private readonly groups: Int32Array;
  private readonly range: number[];

  private constructor(
    readonly per: StatisticsAxis,
    readonly featureShape: readonly number[],
    readonly min: readonly number[],
    readonly max: readonly number[],
  ) {
    this.groups = featureGroups(featureShape, per);
    this.range = min.map((low, g) => {
      const high = max[g]!;
      return isConstant(high - low, low, high) ? 1 : high - low;
    });
  }

  static fit(x: Tensor, per: StatisticsAxis = 'channel'): MinMaxScale {
    const rows = featureRows(x);
    const stats = groupStatistics(rows, featureGroups(rows.featureShape, per));
    return new MinMaxScale(per, rows.featureShape, stats.min, stats.max);
  }

  static fromJSON(json: MinMaxJson): MinMaxScale {
    if (json.kind !== 'minmax') throw new Error(`expected a minmax step, got ${String(json.kind)}`);
    const s = new MinMaxScale(json.per, json.featureShape, json.min, json.max);
    requireGroupCount(s.groups, [json.min.length, json.max.length], 'minmax');
    return s;
  }

  transform(x: Tensor): Tensor {
    const rows = featureRows(x);
    requireFeatures(rows, this.featureShape, 'minmax');
    return new Tensor(affinePerGroup(rows, this.groups, this.min, this.range), x.shape);
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
