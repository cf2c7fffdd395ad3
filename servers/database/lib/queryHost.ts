// Runs database operations in a child process (see queryProcessMain.ts for why) and kills it
// when a call is cancelled or runs past its deadline. The child starts on first use and again
// after it was killed; calls are answered in order by the one child.
import { fork, type ChildProcess } from 'node:child_process';
import { DatabaseError, type DatabaseErrorCode } from './errors.ts';
import type { Operation, OperationSettings } from './operations.ts';
import type { OperationReply, OperationRequest } from './queryProcessMain.ts';

export interface QueryHostOptions extends OperationSettings {
  /** A call running longer is stopped by killing the process (a guard beyond the kit's TOOL_TIMEOUT). */
  deadlineMs: number;
}

interface Pending {
  /** The process the call was sent to; only its own exit fails the call. */
  child: ChildProcess;
  resolve(value: unknown): void;
  reject(error: DatabaseError): void;
}

// Compiled builds run .js next to .js; the source tree runs .ts directly (type stripping).
const MAIN_MODULE = new URL(import.meta.url.endsWith('.ts') ? './queryProcessMain.ts' : './queryProcessMain.js', import.meta.url);

export class QueryHost {
  readonly #options: QueryHostOptions;
  readonly #pending = new Map<number, Pending>();
  #child: ChildProcess | undefined;
  #nextId = 1;
  #closed = false;

  constructor(options: QueryHostOptions) {
    this.#options = options;
  }

  run(operation: Operation, signal: AbortSignal): Promise<unknown> {
    if (this.#closed) return Promise.reject(new DatabaseError('the database server is shutting down; retry on another replica.', 'unavailable'));
    if (signal.aborted) return Promise.reject(new DatabaseError('the call was cancelled before the query started.', 'cancelled'));
    const child = this.#ensureChild();
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const seconds = this.#options.deadlineMs / 1000;
      const stop = (message: string, code: DatabaseErrorCode) => {
        if (!this.#pending.has(id)) return;
        this.#settle(id, undefined, new DatabaseError(message, code));
        this.#kill(child, 'another query was stopped, which restarted the query process; retry this call.');
      };
      const onAbort = () => stop('the query was stopped because the call was cancelled or exceeded its time limit.', 'cancelled');
      const timer = setTimeout(
        () =>
          stop(
            `the query ran longer than ${seconds} s and was stopped. Narrow it with WHERE or LIMIT, and avoid unbounded recursive CTEs.`,
            'cancelled',
          ),
        this.#options.deadlineMs,
      );
      signal.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, {
        child,
        resolve: (value) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
      this.#refWhileBusy(child);
      const request: OperationRequest = { id, operation };
      child.send(request);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const child = this.#child;
    if (child) {
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      this.#kill(child, 'the database server is shutting down; retry on another replica.');
      await exited;
    }
  }

  #ensureChild(): ChildProcess {
    if (this.#child) return this.#child;
    const settings: OperationSettings = { source: this.#options.source, caps: this.#options.caps };
    // No inherited environment: the query process needs none, and secrets stay out of it.
    const child = fork(MAIN_MODULE, [JSON.stringify(settings)], { env: {}, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (reply: OperationReply) => {
      if (reply.ok) this.#settle(reply.id, reply.result);
      else this.#settle(reply.id, undefined, new DatabaseError(reply.error.message, reply.error.code as DatabaseErrorCode));
      this.#refWhileBusy(child);
    });
    child.on('exit', (code, signal) => {
      if (this.#child === child) this.#child = undefined;
      this.#failAll(child, `the query process stopped unexpectedly (${signal ?? `exit code ${code}`}); retry the call.`);
    });
    child.on('error', () => {
      // 'exit' follows and fails the pending calls; nothing else to do here.
    });
    this.#child = child;
    this.#refWhileBusy(child);
    return child;
  }

  #settle(id: number, result: unknown, error?: DatabaseError): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    if (error) pending.reject(error);
    else pending.resolve(result);
  }

  #kill(child: ChildProcess, reasonForOthers: string): void {
    if (this.#child === child) this.#child = undefined;
    this.#failAll(child, reasonForOthers);
    child.kill('SIGKILL');
  }

  #failAll(child: ChildProcess, message: string): void {
    for (const [id, pending] of [...this.#pending]) {
      if (pending.child === child) this.#settle(id, undefined, new DatabaseError(message, 'unavailable'));
    }
  }

  /** An idle child must not keep the server process alive; a busy one must (a reply is awaited). */
  #refWhileBusy(child: ChildProcess): void {
    if ([...this.#pending.values()].some((pending) => pending.child === child)) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  }
}
