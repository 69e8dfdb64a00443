import { ADMISSION_SETTINGS, type AdmissionConfig } from '../config.js';
import { ApiError } from '../errors.js';

/** Which bound refused a request: in-flight total or per model, waiting decodes, the batcher's queue. */
export type ShedReason = 'inflight' | 'inflight_model' | 'decodes_waiting' | 'queue';

/** 503 OVERLOADED with `Retry-After`, carrying the bound that refused the request for the shed counter. */
export class ShedError extends ApiError {
  constructor(
    readonly reason: ShedReason,
    message: string,
  ) {
    super(503, 'OVERLOADED', message, { headers: { 'retry-after': '1' } });
  }
}

/** One admitted request's place: in the total from admission, against its model once that is known. */
export interface Admission {
  /** Counts the request against `model`, or throws ShedError at that model's bound; a no-op once it counts against one. */
  countAgainst(model: string): void;
  /** Gives the place back, once however often called. */
  release(): void;
}

/**
 * Requests in flight, counted from their first byte until the reply is out, in total and per model
 * (Envoy's and Finagle's concurrency limit: refuse at once rather than queue past what the cores drain).
 */
export class InFlight {
  private total = 0;
  private readonly perModel = new Map<string, number>();

  constructor(private readonly bounds: Pick<AdmissionConfig, 'maxInFlight' | 'maxInFlightPerModel'>) {}

  get count(): number {
    return this.total;
  }

  countOf(model: string): number {
    return this.perModel.get(model) ?? 0;
  }

  /**
   * Takes a place in the total, and against `model` when it is known before the body, or throws ShedError;
   * a request whose body names its model is counted against it later, with `countAgainst`.
   */
  admit(model: string | undefined): Admission {
    if (this.total >= this.bounds.maxInFlight) {
      throw new ShedError(
        'inflight',
        `the server has ${this.total} requests in flight, its limit (${ADMISSION_SETTINGS.maxInFlight})`,
      );
    }
    if (model !== undefined) this.take(model);
    this.total++;
    let counted = model;
    let released = false;
    return {
      countAgainst: (name) => {
        if (released || counted !== undefined) return;
        this.take(name);
        counted = name;
      },
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        if (counted === undefined) return;
        const left = this.countOf(counted) - 1;
        // Entries go when they reach zero, so names from query strings never pile up.
        if (left > 0) this.perModel.set(counted, left);
        else this.perModel.delete(counted);
      },
    };
  }

  /** One more in flight for `model`, or ShedError at its bound. */
  private take(model: string): void {
    const held = this.countOf(model);
    if (held >= this.bounds.maxInFlightPerModel) {
      throw new ShedError(
        'inflight_model',
        `this model has ${held} requests in flight, its limit (${ADMISSION_SETTINGS.maxInFlightPerModel})`,
      );
    }
    this.perModel.set(model, held + 1);
  }
}

/** A counting semaphore over image decodes whose wait list is bounded too: past it, 503 OVERLOADED. */
export class DecodeSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly bounds: Pick<AdmissionConfig, 'maxDecodes' | 'maxDecodesWaiting'>) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Refuses, before any of them starts, `count` decodes that would take the wait list past its bound. */
  reserve(count: number): void {
    const { maxDecodes, maxDecodesWaiting } = this.bounds;
    const wouldWait = this.waiting.length + Math.max(0, count - (maxDecodes - this.running));
    if (wouldWait > maxDecodesWaiting) {
      throw new ShedError(
        'decodes_waiting',
        `${this.waiting.length} image decodes are waiting, the limit (${ADMISSION_SETTINGS.maxDecodesWaiting})`,
      );
    }
  }

  /** Runs `decode` once a slot is free, first come first served. */
  async run<T>(decode: () => Promise<T>): Promise<T> {
    this.reserve(1);
    if (this.running < this.bounds.maxDecodes) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await decode();
    } finally {
      // The slot passes straight to the next waiter, so `running` never dips below the bound under load.
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.running--;
    }
  }
}
