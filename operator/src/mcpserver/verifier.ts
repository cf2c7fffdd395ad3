// Runs MCP verification in the background so no reconcile ever waits on a server: the
// reconciler asks `request()`, reads `result()`, and gets its key re-enqueued when a probe ends.
// Re-verifies on a new generation and every `intervalMs`; failures back off exponentially.
import { kubeTime } from './quantity.ts';
import type { McpServer } from '../api/mcpserver.ts';
import { probeSpan } from '../observability/tracing.ts';
import { probeMcpEndpoint, probeProtectedResource } from './mcp-probe.ts';
import type { VerificationResult } from './verification.ts';

/** How the operator reaches a server: Service DNS in a cluster, local processes under kube-sim. */
export interface EndpointResolver {
  endpoints(server: McpServer, inClusterUrl: string): Promise<string[]> | string[];
}

export const serviceDnsResolver: EndpointResolver = {
  endpoints: (_server, url) => [url],
};

export interface VerifierOptions {
  resolver: EndpointResolver;
  intervalMs: number;
  timeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
  /** Most probes at once. */
  concurrency: number;
  /** Called with the key when a probe finished (enqueue it). */
  onResult: (key: string) => void;
  /** Credentials for API-key protected servers (reads the Secret). */
  headersFor?: (server: McpServer) => Promise<Record<string, string>>;
  now?: () => number;
}

interface Entry {
  result?: VerificationResult;
  running?: { generation: number };
  /** Epoch ms when the next probe is due. */
  dueAt: number;
  failures: number;
  generation?: number;
}

export class Verifier {
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  private stopped = false;
  private readonly now: () => number;
  private readonly opts: VerifierOptions;

  constructor(opts: VerifierOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  result(key: string): VerificationResult | undefined {
    return this.entries.get(key)?.result;
  }

  /**
   * Starts a probe when none ran for this generation, the last one is older than the interval,
   * or a failure's backoff has passed. Returns ms until the next check is due, so the
   * reconciler can requeue itself for periodic re-verification.
   */
  request(key: string, server: McpServer, inClusterUrl: string): number {
    const generation = server.metadata.generation ?? 0;
    const entry = this.entries.get(key) ?? { dueAt: 0, failures: 0 };
    this.entries.set(key, entry);
    if (entry.running) return this.opts.timeoutMs;
    const now = this.now();
    const due = entry.generation !== generation || now >= entry.dueAt;
    if (!due) return Math.max(entry.dueAt - now, 1);
    entry.running = { generation };
    void this.run(key, entry, server, inClusterUrl, generation);
    return this.opts.timeoutMs;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  stop(): void {
    this.stopped = true;
    for (const wake of this.waiting.splice(0)) wake();
  }

  private async acquire(): Promise<void> {
    while (this.active >= this.opts.concurrency && !this.stopped) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  private async run(key: string, entry: Entry, server: McpServer, inClusterUrl: string, generation: number): Promise<void> {
    await this.acquire();
    let result: VerificationResult;
    let endpoint: string | undefined;
    try {
      if (this.stopped) return;
      const endpoints = await this.opts.resolver.endpoints(server, inClusterUrl);
      endpoint = endpoints[0];
      if (!endpoint) throw new Error('no endpoint to reach the server yet');
      const at = kubeTime(new Date(this.now()));
      if (server.spec.auth?.oauth) {
        const { resource } = await probeProtectedResource(endpoint, this.opts.timeoutMs);
        result = { ok: true, generation, at, endpoint, protectedResource: resource };
      } else {
        const headers = this.opts.headersFor ? await this.opts.headersFor(server) : {};
        // traceparent on the probe: the server's own spans for it join the reconcile's trace.
        const probe = await probeSpan(key, endpoint, (traceHeaders) => probeMcpEndpoint(endpoint!, { timeoutMs: this.opts.timeoutMs, headers: { ...headers, ...traceHeaders } }));
        result = { ok: true, generation, at, endpoint, ...probe };
      }
      entry.failures = 0;
      entry.dueAt = this.now() + this.opts.intervalMs;
    } catch (error) {
      entry.failures++;
      const delay = Math.min(this.opts.backoff.initialMs * 2 ** (entry.failures - 1), this.opts.backoff.maxMs);
      entry.dueAt = this.now() + delay;
      result = {
        ok: false,
        generation,
        at: kubeTime(new Date(this.now())),
        error: `MCP handshake with ${endpoint ?? 'the server'} failed: ${error instanceof Error ? error.message : String(error)}`,
        ...(endpoint ? { endpoint } : {}),
        failures: entry.failures,
      };
    } finally {
      this.release();
    }
    entry.generation = generation;
    entry.result = result;
    entry.running = undefined;
    if (this.entries.get(key) === entry && !this.stopped) this.opts.onResult(key);
  }
}
