// Streams one watch request as typed events. Our own reader rather than client-node's `Watch`
// class: in 2.0.1 that class aborts any stream that is quiet for a fixed, private 30 s and
// silently drops lines it cannot parse, while the informer needs an event-level watchdog with a
// configurable timeout and must treat a corrupt stream as an error (restart), not as silence.
import { createInterface } from 'node:readline';
import type { KubeClient, QueryParams } from './client.ts';
import type { KubeObject, KubeStatus, WatchEvent, WatchEventType } from './types.ts';

const EVENT_TYPES: ReadonlySet<string> = new Set<WatchEventType>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

export class WatchDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WatchDecodeError';
  }
}

/**
 * Yields the events of one watch until the server ends the stream (normal return), the stream
 * breaks (throws) or `signal` aborts (throws the abort reason's error). ERROR events are yielded
 * as they are; the caller decides what a Status means.
 */
export async function* watchEvents<T extends KubeObject>(
  client: KubeClient,
  path: string,
  query: QueryParams,
  signal: AbortSignal,
  accept?: string,
): AsyncGenerator<WatchEvent<T> | { type: 'ERROR'; object: KubeStatus }> {
  const res = await client.stream({ method: 'GET', path, query: { ...query, watch: 'true' }, signal, accept });
  const lines = createInterface({ input: res, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      yield decodeEvent<T>(line);
    }
    // readline ends quietly when the socket is torn down; an abort must still surface as one.
    signal.throwIfAborted();
    if (res.errored) throw res.errored;
  } finally {
    lines.close();
    res.destroy();
  }
}

export function decodeEvent<T extends KubeObject>(line: string): WatchEvent<T> | { type: 'ERROR'; object: KubeStatus } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new WatchDecodeError(`watch stream sent a line that is not JSON: ${line.slice(0, 200)}`);
  }
  const event = parsed as { type?: unknown; object?: unknown };
  if (typeof event.type !== 'string' || !EVENT_TYPES.has(event.type) || !event.object || typeof event.object !== 'object') {
    throw new WatchDecodeError(`watch stream sent an event without a known type and an object: ${line.slice(0, 200)}`);
  }
  return event as WatchEvent<T>;
}
