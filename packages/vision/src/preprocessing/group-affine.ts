import { Tensor } from '@ocellus/tensor';
import {
  affinePerGroup,
  featureGroups,
  featureRows,
  type GroupStatistics,
  groupStatistics,
  requireFeatures,
  requireGroupCount,
  type StatisticsAxis,
} from './features.js';

/**
 * A per-group (x - shift) / scale fitted on a training split: what Standardize and MinMaxScale share,
 * each choosing its shift and scale from the group statistics.
 */
export abstract class GroupAffine {
  private readonly groups: Int32Array;

  protected constructor(
    private readonly kind: string,
    readonly per: StatisticsAxis,
    readonly featureShape: readonly number[],
    private readonly shift: readonly number[],
    private readonly scale: readonly number[],
  ) {
    this.groups = featureGroups(featureShape, per);
    requireGroupCount(this.groups, [shift.length, scale.length], kind);
  }

  transform(x: Tensor): Tensor {
    const rows = featureRows(x);
    requireFeatures(rows, this.featureShape, this.kind);
    return new Tensor(affinePerGroup(rows, this.groups, this.shift, this.scale), x.shape);
  }
}

/** The feature shape of a training batch and the statistics of each of its groups. */
export function fitGroups(
  x: Tensor,
  per: StatisticsAxis,
): { featureShape: readonly number[]; stats: GroupStatistics } {
  const rows = featureRows(x);
  return {
    featureShape: rows.featureShape,
    stats: groupStatistics(rows, featureGroups(rows.featureShape, per)),
  };
}

/** Throws unless a serialised step is of the expected kind. */
export function requireKind(kind: unknown, expected: string): void {
  if (kind !== expected) throw new Error(`expected a ${expected} step, got ${String(kind)}`);
}
