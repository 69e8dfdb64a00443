import { Aborted, type Control } from '../runtime/control.js';
import type { Sync } from './engine.js';
import { TILE_NEXT, UNIT_DONE, UNIT_NEXT } from './job.js';

/** Spins this many loads before sleeping: the packing barrier usually clears within microseconds. */
const SPINS = 2000;

/** Hands out panels and tiles with Atomics on the control block; the packing barrier sleeps with Atomics.wait. */
export class SharedSync implements Sync {
  constructor(private readonly control: Control) {}

  nextUnit(): number {
    return Atomics.add(this.control.i32, UNIT_NEXT, 1);
  }

  nextTile(): number {
    return Atomics.add(this.control.i32, TILE_NEXT, 1);
  }

  unitsPacked(count: number, total: number): void {
    const i32 = this.control.i32;
    if (count > 0 && Atomics.add(i32, UNIT_DONE, count) + count === total) Atomics.notify(i32, UNIT_DONE);
    for (let spin = 0; ; spin++) {
      const done = Atomics.load(i32, UNIT_DONE);
      if (done >= total) return;
      if (this.control.aborted()) throw new Aborted();
      if (spin > SPINS) Atomics.wait(i32, UNIT_DONE, done, 50);
    }
  }
}
