// A bounded pool of stdio MCP server processes. Each process is spawned and initialised once and
// then serves many requests; a request goes to the live process with the fewest in flight, waits
// in a bounded queue when every process is at its limit, and fails clearly when none is alive
// within the start timeout. A process that exits is replaced after a backoff that grows with
// consecutive crashes, so a server that dies at once cannot spin the pod's CPU.
import type { Client } from '@modelcontextprotocol/client';
import type { BridgePoolOptions } from './types.ts';
import { BridgeError } from './types.ts';
import { StdioWorker } from './worker.ts';

interface Waiter {
  resolve: (worker: StdioWorker) => void;
  reject: (error: Error) => void;
}

/** After this long up, a process counts as healthy again and its restart backoff resets. */
const STABLE_AFTER_MS = 30_000;

export class StdioBridgePool {
  private readonly options: BridgePoolOptions;
  private readonly slots: (StdioWorker | undefined)[];
  private readonly crashes: number[];
  private readonly waiters: Waiter[] = [];
  private closed = false;
  private lastFailure: string | undefined;
  /** Processes started so far, replacements included (for tests and logs). */
  spawned = 0;

  constructor(options: BridgePoolOptions) {
    this.options = options;
    this.slots = Array.from({ length: options.size }, () => undefined);
    this.crashes = Array.from({ length: options.size }, () => 0);
  }

  /** Starts every process; resolves when all have initialised, rejects if none could. */
  async start(): Promise<void> {
    const results = await Promise.allSettled(this.slots.map((_, index) => this.launch(index)));
    if (results.every((result) => result.status === 'rejected')) {
      await this.close();
      throw new BridgeError(`the stdio server could not be started: ${this.lastFailure ?? 'unknown error'}`);
    }
  }

  /** The first live process's client: server info, capabilities and instructions. */
  get primary(): Client | undefined {
    return this.slots.find((worker) => worker?.alive)?.client;
  }

  /** PIDs of the live processes. */
  get pids(): number[] {
    return this.slots.filter((worker): worker is StdioWorker => worker?.alive === true && worker.pid !== null).map((worker) => worker.pid!);
  }

  get liveCount(): number {
    return this.slots.filter((worker) => worker?.alive).length;
  }

  private async launch(index: number): Promise<void> {
    if (this.closed) return;
    const worker = new StdioWorker(index, this.options.command, this.options.logger);
    this.slots[index] = worker;
    this.spawned += 1;
    void worker.exited.then(() => this.onExit(index, worker));
    try {
      await worker.start(this.options.startTimeoutMs);
    } catch (error) {
      this.lastFailure = (error as Error).message;
      this.options.logger.error('stdio server failed to start', { process: index, command: this.options.command.command, error: this.lastFailure });
      throw error;
    }
    this.options.logger.info('stdio server started', { process: index, pid: worker.pid, server: worker.client.getServerVersion() });
    this.dispatch();
  }

  private onExit(index: number, worker: StdioWorker): void {
    if (this.slots[index] !== worker || this.closed) return;
    const stable = worker.startedAt > 0 && Date.now() - worker.startedAt > STABLE_AFTER_MS;
    this.crashes[index] = stable ? 1 : this.crashes[index]! + 1;
    const delay = Math.min(this.options.restartMaxMs, this.options.restartBaseMs * 2 ** (this.crashes[index]! - 1));
    this.lastFailure = `process ${index} exited`;
    this.options.logger.warn('stdio server exited; replacing it', { process: index, pid: worker.pid, restartInMs: delay, consecutiveCrashes: this.crashes[index] });
    // A failed start exits the new worker too, which schedules the next attempt through onExit.
    setTimeout(() => void this.launch(index).catch(() => {}), delay).unref();
  }

  private pick(): StdioWorker | undefined {
    let best: StdioWorker | undefined;
    for (const worker of this.slots) {
      if (!worker?.alive || worker.inFlight >= this.options.maxInFlightPerProcess) continue;
      if (best === undefined || worker.inFlight < best.inFlight) best = worker;
    }
    return best;
  }

  private dispatch(): void {
    while (this.waiters.length > 0) {
      const worker = this.pick();
      if (worker === undefined) return;
      worker.inFlight += 1;
      this.waiters.shift()!.resolve(worker);
    }
  }

  private acquire(signal: AbortSignal | undefined): Promise<StdioWorker> {
    if (this.closed) return Promise.reject(new BridgeError('the stdio bridge is shutting down'));
    const worker = this.pick();
    if (worker !== undefined) {
      worker.inFlight += 1;
      return Promise.resolve(worker);
    }
    if (this.waiters.length >= this.options.maxQueued) {
      return Promise.reject(new BridgeError(`the stdio bridge is at capacity (${this.options.size} processes, ${this.options.maxQueued} requests waiting); retry shortly`));
    }
    return new Promise<StdioWorker>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (picked) => {
          cleanup();
          resolve(picked);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      const leave = (error: Error) => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        waiter.reject(error);
      };
      const timer = setTimeout(
        () => leave(new BridgeError(this.liveCount === 0 ? `no stdio server process is running (${this.lastFailure ?? 'starting'}); retry shortly` : 'timed out waiting for a free stdio server process')),
        this.options.startTimeoutMs,
      );
      const onAbort = () => leave(new BridgeError('the request was cancelled while waiting for a stdio server process'));
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Runs `work` on a process's client with the bridge's deadline and the caller's signal. */
  async run<T>(work: (client: Client, options: { signal?: AbortSignal; timeout: number }) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const worker = await this.acquire(signal);
    try {
      return await work(worker.client, { ...(signal && { signal }), timeout: this.options.requestTimeoutMs });
    } finally {
      worker.inFlight -= 1;
      this.dispatch();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new BridgeError('the stdio bridge is shutting down'));
    await Promise.all(this.slots.map((worker) => worker?.stop()));
  }
}
