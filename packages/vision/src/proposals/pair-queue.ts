/**
 * A binary max-heap of region pairs by similarity. Selective search pops the most similar pair
 * and pushes the merged region's pairs; pairs of regions merged since are skipped when popped
 * instead of searched for and removed (OpenCV's `hierarchicalGrouping` re-sorts and filters the
 * whole list at every merge, quadratic in the number of regions).
 */
export class PairQueue {
  private readonly similarity: number[] = [];
  private readonly first: number[] = [];
  private readonly second: number[] = [];

  get size(): number {
    return this.similarity.length;
  }

  push(similarity: number, a: number, b: number): void {
    let i = this.similarity.length;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (this.similarity[up]! >= similarity) break;
      this.move(up, i);
      i = up;
    }
    this.similarity[i] = similarity;
    this.first[i] = a;
    this.second[i] = b;
  }

  /** The pair of highest similarity as `[a, b]`, removed from the queue; throws when it is empty. */
  pop(): [number, number] {
    if (this.similarity.length === 0) throw new RangeError('PairQueue.pop on an empty queue');
    const top: [number, number] = [this.first[0]!, this.second[0]!];
    const similarity = this.similarity.pop()!;
    const a = this.first.pop()!;
    const b = this.second.pop()!;
    const n = this.similarity.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.similarity[child + 1]! > this.similarity[child]!) child++;
      if (this.similarity[child]! <= similarity) break;
      this.move(child, i);
      i = child;
    }
    this.similarity[i] = similarity;
    this.first[i] = a;
    this.second[i] = b;
    return top;
  }

  private move(from: number, to: number): void {
    this.similarity[to] = this.similarity[from]!;
    this.first[to] = this.first[from]!;
    this.second[to] = this.second[from]!;
  }
}
