// Server-Sent Events on a node:http response: headers, one JSON event per message, a comment
// heartbeat so idle proxies keep the stream open, and cleanup when the browser goes away.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SseStream {
  send(data: unknown): void;
  readonly closed: boolean;
  onClose(handler: () => void): void;
  close(): void;
}

/** A stream whose browser stops reading is dropped once this much is queued (a slow client cannot grow our memory). */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export function openSse(req: IncomingMessage, res: ServerResponse, heartbeatMs = 25_000): SseStream {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 3000\n\n');
  const handlers: (() => void)[] = [];
  let closed = false;
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const handler of handlers) handler();
    res.end();
  };
  req.on('close', finish);
  res.on('close', finish);
  return {
    send(data) {
      if (closed) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) return finish();
      res.write(`data: ${JSON.stringify(data)}\n\n`);
    },
    get closed() {
      return closed;
    },
    onClose(handler) {
      handlers.push(handler);
    },
    close: finish,
  };
}
