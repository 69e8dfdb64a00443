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
export class Standardize {
  private readonly groups: Int32Array;

  private constructor(
    readonly per: StatisticsAxis,
    readonly featureShape: readonly number[],
    readonly mean: readonly number[],
    readonly std: readonly number[],
  ) {
    this.groups = featureGroups(featureShape, per);
  }

  static fit(x: Tensor, per: StatisticsAxis = 'channel'): Standardize {
    const rows = featureRows(x);
    const stats = groupStatistics(rows, featureGroups(rows.featureShape, per));
    const std = stats.std.map((s, g) => (isConstant(s, stats.mean[g]!) ? 1 : s));
    return new Standardize(per, rows.featureShape, stats.mean, std);
  }

  static fromJSON(json: StandardizeJson): Standardize {
    if (json.kind !== 'standardize') throw new Error(`expected a standardize step, got ${String(json.kind)}`);
    const s = new Standardize(json.per, json.featureShape, json.mean, json.std);
    requireGroupCount(s.groups, [json.mean.length, json.std.length], 'standardize');
    return s;
  }

  transform(x: Tensor): Tensor {
    const rows = featureRows(x);
    requireFeatures(rows, this.featureShape, 'standardize');
    return new Tensor(affinePerGroup(rows, this.groups, this.mean, this.std), x.shape);
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
