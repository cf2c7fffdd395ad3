// What the stdio bridge library needs from its host: a command to run and somewhere to log. It
// depends on the MCP SDK only, never on the servers kit, so a proxy can inject it into any image.

export interface BridgeLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface StdioCommand {
  command: string;
  args: string[];
  /** Environment of the server processes (the host decides what they inherit). */
  env: Record<string, string>;
  cwd?: string | undefined;
}

export interface BridgePoolOptions {
  command: StdioCommand;
  /** Server processes kept running (each initialised once). */
  size: number;
  /** Requests one process serves at a time; more wait in the queue. */
  maxInFlightPerProcess: number;
  /** Requests waiting for a free process before new ones are refused. */
  maxQueued: number;
  /** Deadline of each forwarded request. */
  requestTimeoutMs: number;
  /** Deadline for a process to start and answer initialize. */
  startTimeoutMs: number;
  /** Restart delay after a crash, doubled per consecutive crash up to restartMaxMs. */
  restartBaseMs: number;
  restartMaxMs: number;
  logger: BridgeLogger;
}

/** A request the bridge refuses or cannot complete; the message says why. */
export class BridgeError extends Error {
  override readonly name = 'BridgeError';
}
