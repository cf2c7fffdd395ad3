// Bounds on what one console instance takes on at once, so a flood of requests (or a page left
// open in many tabs) degrades into clear 429/503 answers instead of unbounded memory and load.

export const LIMITS = {
  /** Open Server-Sent-Event streams (fleet + metrics), all viewers together. */
  streams: 500,
  /** Playground calls in flight. */
  calls: 16,
  /** Server pages being assembled (each lists children and events and asks the server for its tools). */
  details: 32,
} as const;

/** A counter of work in flight with a ceiling; `tryAcquire` never waits. */
export class InFlight {
  private active = 0;
  readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  get count(): number {
    return this.active;
  }

  tryAcquire(): (() => void) | undefined {
    if (this.active >= this.max) return undefined;
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
    };
  }
}
