/**
 * Union-find over typed arrays, as Felzenszwalb & Huttenlocher's `disjoint-set.h`: `parent[p]`
 * is `p` for a root, `size[root]` is its tree's element count (union by size, path halving).
 */

/** The root of `p`'s tree, halving the path on the way. */
export function find(parent: Int32Array, p: number): number {
  while (parent[p] !== p) {
    const grandparent = parent[parent[p]!]!;
    parent[p] = grandparent;
    p = grandparent;
  }
  return p;
}

/** Joins the trees of roots `a` and `b`, the smaller under the larger; returns the new root. */
export function join(parent: Int32Array, size: Int32Array, a: number, b: number): number {
  const [big, small] = size[a]! >= size[b]! ? [a, b] : [b, a];
  parent[small] = big;
  size[big] = size[big]! + size[small]!;
  return big;
}

/** `n` singleton trees. */
export function singletons(n: number): { parent: Int32Array; size: Int32Array } {
  const parent = new Int32Array(n);
  for (let p = 0; p < n; p++) parent[p] = p;
  return { parent, size: new Int32Array(n).fill(1) };
}
