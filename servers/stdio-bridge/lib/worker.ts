// One stdio MCP server process behind an SDK client: spawned, initialised once, its stderr
// forwarded line by line to the log (bounded per line), its exit reported so the pool can replace it. Requests the
// process sends to us (sampling, elicitation, roots) are refused at once with a clear error:
// behind a stateless HTTP endpoint there is no client session to forward them to.
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { BoundedLineSplitter } from './stderr-lines.ts';
import type { BridgeLogger, StdioCommand } from './types.ts';

export const BRIDGE_CLIENT_INFO = { name: 'mcpfleet-stdio-bridge', version: '0.1.0' };

/** The longest stderr line logged; the rest of a longer line is counted and dropped. */
export const MAX_STDERR_LINE_BYTES = 4_000;

export const REFUSED_SERVER_REQUEST =
  'The stdio bridge serves stateless HTTP clients and cannot forward server-initiated requests (sampling, elicitation, roots) to them; the request was refused.';

export class StdioWorker {
  readonly index: number;
  readonly client: Client;
  private readonly transport: StdioClientTransport;
  private readonly logger: BridgeLogger;
  inFlight = 0;
  alive = false;
  /** Resolves once the process has exited (or failed to start). */
  readonly exited: Promise<void>;
  private markExited: () => void = () => {};
  startedAt = 0;

  constructor(index: number, command: StdioCommand, logger: BridgeLogger) {
    this.index = index;
    this.logger = logger;
    this.transport = new StdioClientTransport({ command: command.command, args: command.args, env: command.env, ...(command.cwd && { cwd: command.cwd }), stderr: 'pipe' });
    this.client = new Client(BRIDGE_CLIENT_INFO, { capabilities: {} });
    this.exited = new Promise<void>((resolve) => {
      this.markExited = resolve;
    });
    this.client.onclose = () => {
      this.alive = false;
      this.markExited();
    };
    this.client.onerror = (error) => this.logger.warn('stdio server protocol error', { process: this.index, error: error.message });
    this.client.fallbackRequestHandler = async (request) => {
      this.logger.warn('refused a request from the stdio server', { process: this.index, method: request.method });
      throw Object.assign(new Error(REFUSED_SERVER_REQUEST), { code: -32601 });
    };
    // The pipe exists before start(), so no early stderr line is lost.
    const stderr = this.transport.stderr as Readable | null;
    if (stderr) {
      const lines = new BoundedLineSplitter(MAX_STDERR_LINE_BYTES, (record) => {
        const source = { process: this.index, pid: this.transport.pid };
        if ('droppedBytes' in record) this.logger.warn('stdio server stderr line truncated', { ...source, droppedBytes: record.droppedBytes });
        else this.logger.info('stdio server stderr', { ...source, line: record.line, ...(record.truncated && { truncated: true }) });
      });
      stderr.on('data', (chunk: Buffer | string) => lines.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
      stderr.on('end', () => lines.end());
    }
  }

  get pid(): number | null {
    return this.transport.pid;
  }

  /** Spawns the process and runs the initialize handshake. */
  async start(timeoutMs: number): Promise<void> {
    const timer = setTimeout(() => void this.stop(), timeoutMs);
    try {
      await this.client.connect(this.transport, { timeout: timeoutMs });
    } catch (error) {
      await this.stop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    this.alive = true;
    this.startedAt = Date.now();
  }

  async stop(): Promise<void> {
    this.alive = false;
    await this.client.close().catch(() => {});
    this.markExited();
  }
}
