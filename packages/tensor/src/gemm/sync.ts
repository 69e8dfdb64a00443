import type { Sync } from './engine.js';
import { type Control, PANEL_DONE, PANEL_NEXT, TILE_NEXT } from './job.js';

/** Thrown inside a participant when another one failed; the recorded failure is what the caller sees. */
export class Aborted extends Error {}

/** Spins this many loads before sleeping: the panel barrier usually clears within microseconds. */
const SPINS = 2000;

/** Hands out panels and tiles with Atomics on the control block; the panel barrier sleeps with Atomics.wait. */
export class SharedSync implements Sync {
  constructor(private readonly control: Control) {}

  nextPanel(): number {
    return Atomics.add(this.control.i32, PANEL_NEXT, 1);
  }

  nextTile(): number {
    return Atomics.add(this.control.i32, TILE_NEXT, 1);
  }

  panelsPacked(count: number, total: number): void {
    const i32 = this.control.i32;
    if (count > 0 && Atomics.add(i32, PANEL_DONE, count) + count === total) Atomics.notify(i32, PANEL_DONE);
    for (let spin = 0; ; spin++) {
      const done = Atomics.load(i32, PANEL_DONE);
      if (done >= total) return;
      if (this.control.aborted()) throw new Aborted();
      if (spin > SPINS) Atomics.wait(i32, PANEL_DONE, done, 50);
    }
  }
}
