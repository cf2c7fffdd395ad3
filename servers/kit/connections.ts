// Keep-alive connections through a drain. Node's server.close() also closes every idle keep-alive
// socket at once, and a client that is writing its next request on one of them at that moment
// gets ECONNRESET (32 such failures under load before this module). Instead, once draining, each
// response carries Connection: close (the client opens its next connection elsewhere), and a
// socket is closed by us only after it has sat idle for IDLE_BEFORE_CLOSE_MS, long enough that no
// request of a busy client is already on its way; sockets of idle clients go the same way.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** A socket idle this long during a drain is closed (an active client sends well within it). */
export const IDLE_BEFORE_CLOSE_MS = 500;
const CHECK_EVERY_MS = 50;

interface SocketState {
  active: number;
  idleSince: number;
}

export interface ConnectionTracker {
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  /** Responses in progress end their connection when they finish. */
  closeAfterCurrentResponses(): void;
  /** Closes idle sockets as they settle, then the listener; waits at most `lingerMs`. */
  closeAll(lingerMs: number): Promise<void>;
}

export function trackConnections(server: Server): ConnectionTracker {
  const sockets = new Map<Socket, SocketState>();
  const responses = new Set<ServerResponse>();
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, { active: 0, idleSince: performance.now() });
    socket.once('close', () => sockets.delete(socket));
  });

  return {
    onRequest(req, res) {
      const state = sockets.get(req.socket);
      if (state) state.active += 1;
      responses.add(res);
      res.once('close', () => {
        responses.delete(res);
        if (state) {
          state.active -= 1;
          state.idleSince = performance.now();
        }
      });
    },
    closeAfterCurrentResponses() {
      for (const res of responses) if (!res.headersSent) res.shouldKeepAlive = false;
    },
    closeAll(lingerMs) {
      const deadline = performance.now() + lingerMs;
      return new Promise<void>((resolve) => {
        const finish = () => {
          server.close(() => resolve());
          server.closeAllConnections();
        };
        const check = () => {
          const now = performance.now();
          for (const [socket, state] of sockets) {
            if (state.active === 0 && now - state.idleSince >= IDLE_BEFORE_CLOSE_MS) socket.end();
          }
          if (sockets.size === 0 || now >= deadline) return finish();
          setTimeout(check, CHECK_EVERY_MS).unref();
        };
        check();
      });
    },
  };
}
