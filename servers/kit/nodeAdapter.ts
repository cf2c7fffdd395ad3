// A lean bridge from node:http to the SDK's web-standard MCP handler. The kit has already read
// and parsed the body (to enforce MAX_BODY_BYTES), so the Request carries headers only and the
// parsed body travels as `parsedBody`; JSON answers are written in one piece, SSE answers are
// streamed with backpressure. Measured against toNodeHandler in hack/bench/servers.ts.
// Requests the kit's direct path (fastPath.ts) can answer never reach the SDK entry.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpHttpHandler } from '@modelcontextprotocol/server';
import type { FastPath } from './fastPath.ts';

export type KitMcpHandler = (req: IncomingMessage, res: ServerResponse, parsedBody: unknown, authInfo: unknown) => Promise<void>;

function toHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}

/** Resolves on 'drain' or 'close', whichever comes first, and leaves no listener behind. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/**
 * Copies a web stream to the response with backpressure. A long SSE stream to a slow client
 * waits for 'drain' many times: each wait must remove its 'close' listener again, or they pile
 * up on the response for as long as the stream lives.
 */
export async function streamBody(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  const reader = body.getReader();
  res.once('close', () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read();
    if (done || res.destroyed) break;
    if (!res.write(value)) await drainedOrClosed(res);
  }
  res.end();
}

export function createKitMcpHandler(handler: McpHttpHandler, onerror: (error: Error) => void, fastPath?: FastPath): KitMcpHandler {
  return async (req, res, parsedBody, authInfo) => {
    const direct = fastPath?.serve(req, res, parsedBody, authInfo);
    if (direct !== undefined) return direct;
    const controller = new AbortController();
    // The client went away before we answered: cancel the exchange (and the tool call).
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    try {
      const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers: toHeaders(req),
        signal: controller.signal,
      });
      const response = await handler.fetch(request, {
        ...(parsedBody !== undefined && { parsedBody }),
        ...(authInfo !== undefined && { authInfo: authInfo as never }),
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      if (response.body === null) {
        res.writeHead(response.status, headers).end();
        return;
      }
      if ((headers['content-type'] ?? '').startsWith('text/event-stream')) {
        res.writeHead(response.status, headers);
        res.flushHeaders();
        await streamBody(response.body, res);
        return;
      }
      const payload = Buffer.from(await response.arrayBuffer());
      headers['content-length'] = String(payload.length);
      res.writeHead(response.status, headers).end(payload);
    } catch (error) {
      onerror(error instanceof Error ? error : new Error(String(error)));
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'Internal server error.' } }));
      } else {
        res.destroy();
      }
    }
  };
}
