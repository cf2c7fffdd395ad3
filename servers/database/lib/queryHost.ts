// Runs database operations in a pool of query processes (see queryProcessMain.ts for why), one
// operation per process at a time, so stopping one query never touches another caller's: a call
// that is cancelled, runs past its deadline or grows its process beyond the memory cap gets its
// own process SIGKILLed, and only that process is replaced. Calls beyond the pool size wait in
// order for a free process.
import { fork, type ChildProcess } from 'node:child_process';
import { DatabaseError, type DatabaseErrorCode } from './errors.ts';
import type { Operation, OperationSettings } from './operations.ts';
import { residentBytes } from './processMemory.ts';
import { SpanKind } from '@opentelemetry/api';
import { ATTR, inChildSpan } from '../../kit/tracing/spans.ts';
import { tracingActive } from '../../kit/tracing/state.ts';
import type { OperationReply, OperationRequest } from './queryProcessMain.ts';

export interface QueryHostOptions extends OperationSettings {
  /** A call running longer is stopped by killing its process (a guard beyond the kit's TOOL_TIMEOUT). */
  deadlineMs: number;
  /** Query processes at most (each runs one operation at a time). */
  maxProcesses: number;
  /** A query process whose resident memory grows past this is killed, with its call. */
  maxProcessBytes: number;
  /** How often a busy process's memory is sampled. */
  memoryPollMs?: number;
}

interface Job {
  operation: Operation;
  signal: AbortSignal;
  resolve(value: unknown): void;
  reject(error: DatabaseError): void;
}

interface QueryProcess {
  child: ChildProcess;
  /** The call it runs, if any; only its own process's exit fails it. */
  current: { id: number; job: Job; stop(message: string, code: DatabaseErrorCode): void } | undefined;
}

// Compiled builds run .js next to .js; the source tree runs .ts directly (type stripping).
const MAIN_MODULE = new URL(import.meta.url.endsWith('.ts') ? './queryProcessMain.ts' : './queryProcessMain.js', import.meta.url);

const MIB = 1024 * 1024;

export class QueryHost {
  readonly #options: QueryHostOptions;
  readonly #processes = new Set<QueryProcess>();
  readonly #queue: Job[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: QueryHostOptions) {
    this.#options = options;
  }

  /** Query processes alive now (for tests and metrics). */
  get processCount(): number {
    return this.#processes.size;
  }

  /**
   * One span per operation (queue wait included): the operation's kind, never the SQL text, which
   * holds the caller's literals.
   */
  run(operation: Operation, signal: AbortSignal): Promise<unknown> {
    if (!tracingActive()) return this.#run(operation, signal);
    const name = operation.op === 'query' ? 'query' : operation.op;
    return inChildSpan(`sqlite ${name}`, { kind: SpanKind.CLIENT, attributes: { [ATTR.dbSystem]: 'sqlite', [ATTR.dbOperation]: name } }, () => this.#run(operation, signal));
  }

  #run(operation: Operation, signal: AbortSignal): Promise<unknown> {
    if (this.#closed) return Promise.reject(new DatabaseError('the database server is shutting down; retry on another replica.', 'unavailable'));
    if (signal.aborted) return Promise.reject(new DatabaseError('the call was cancelled before the query started.', 'cancelled'));
    return new Promise<unknown>((resolve, reject) => {
      const job: Job = { operation, signal, resolve, reject };
      const dropWhileQueued = () => {
        const index = this.#queue.indexOf(job);
        if (index >= 0) {
          this.#queue.splice(index, 1);
          reject(new DatabaseError('the call was cancelled (or ran out of time) while waiting for a free query process.', 'cancelled'));
        }
      };
      signal.addEventListener('abort', dropWhileQueued, { once: true });
      job.resolve = (value) => {
        signal.removeEventListener('abort', dropWhileQueued);
        resolve(value);
      };
      job.reject = (error) => {
        signal.removeEventListener('abort', dropWhileQueued);
        reject(error);
      };
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new DatabaseError('the database server is shutting down; retry on another replica.', 'unavailable'));
    await Promise.all(
      [...this.#processes].map((process) => {
        const exited = new Promise<void>((resolve) => {
          if (process.child.exitCode !== null || process.child.signalCode !== null) resolve();
          else process.child.once('exit', () => resolve());
        });
        process.current?.stop('the database server is shutting down; retry on another replica.', 'unavailable');
        process.child.kill('SIGKILL');
        return exited;
      }),
    );
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const idle = [...this.#processes].find((process) => process.current === undefined);
      const process = idle ?? (this.#processes.size < this.#options.maxProcesses ? this.#spawn() : undefined);
      if (process === undefined) return;
      const job = this.#queue.shift() as Job;
      this.#start(process, job);
    }
  }

  #start(process: QueryProcess, job: Job): void {
    const id = this.#nextId++;
    const seconds = this.#options.deadlineMs / 1000;
    let watching = true;
    const finish = () => {
      watching = false;
      clearTimeout(timer);
      clearInterval(memoryTimer);
      job.signal.removeEventListener('abort', onAbort);
      process.current = undefined;
      this.#refWhileBusy(process);
    };
    const stop = (message: string, code: DatabaseErrorCode) => {
      if (process.current?.id !== id) return;
      finish();
      this.#discard(process);
      job.reject(new DatabaseError(message, code));
      this.#dispatch();
    };
    const onAbort = () => stop('the query was stopped because the call was cancelled or exceeded its time limit.', 'cancelled');
    const timer = setTimeout(
      () => stop(`the query ran longer than ${seconds} s and was stopped. Narrow it with WHERE or LIMIT, and avoid unbounded recursive CTEs.`, 'cancelled'),
      this.#options.deadlineMs,
    );
    const capMiB = Math.round(this.#options.maxProcessBytes / MIB);
    const memoryTimer = setInterval(() => {
      const pid = process.child.pid;
      if (pid === undefined) return;
      void residentBytes(pid).then((bytes) => {
        if (watching && bytes !== undefined && bytes > this.#options.maxProcessBytes) {
          stop(
            `the query needed more than ${capMiB} MiB of memory (DATABASE_MAX_QUERY_MEMORY_BYTES) and was stopped. Return less data (LIMIT, fewer or shorter columns) and avoid building huge strings or blobs.`,
            'too_large',
          );
        }
      });
    }, this.#options.memoryPollMs ?? 20);
    job.signal.addEventListener('abort', onAbort, { once: true });
    process.current = {
      id,
      job: { ...job, resolve: (value) => (finish(), job.resolve(value), this.#dispatch()), reject: (error) => (finish(), job.reject(error), this.#dispatch()) },
      stop,
    };
    this.#refWhileBusy(process);
    const request: OperationRequest = { id, operation: job.operation };
    process.child.send(request);
  }

  #spawn(): QueryProcess {
    const settings: OperationSettings = { source: this.#options.source, caps: this.#options.caps };
    // The JS heap gets a share of the cap, so rows piling up fail inside V8's limit, not the OS's.
    const heapMiB = Math.max(32, Math.floor(this.#options.maxProcessBytes / MIB / 2));
    // No inherited environment: the query process needs none, and secrets stay out of it.
    const child = fork(MAIN_MODULE, [JSON.stringify(settings)], {
      env: {},
      execArgv: [`--max-old-space-size=${heapMiB}`],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const process: QueryProcess = { child, current: undefined };
    child.on('message', (reply: OperationReply) => {
      const current = process.current;
      if (current?.id !== reply.id) return;
      if (reply.ok) current.job.resolve(reply.result);
      else current.job.reject(new DatabaseError(reply.error.message, reply.error.code as DatabaseErrorCode));
    });
    child.on('exit', (code, signal) => {
      this.#processes.delete(process);
      process.current?.stop(`the query process stopped unexpectedly (${signal ?? `exit code ${code}`}); retry the call.`, 'unavailable');
      if (!this.#closed) this.#dispatch();
    });
    child.on('error', () => {
      // 'exit' follows and fails the call it ran; nothing else to do here.
    });
    this.#processes.add(process);
    this.#refWhileBusy(process);
    return process;
  }

  #discard(process: QueryProcess): void {
    this.#processes.delete(process);
    process.child.kill('SIGKILL');
  }

  /** An idle process must not keep the server process alive; a busy one must (a reply is awaited). */
  #refWhileBusy(process: QueryProcess): void {
    if (process.current) {
      process.child.ref();
      process.child.channel?.ref();
    } else {
      process.child.unref();
      process.child.channel?.unref();
    }
  }
}
