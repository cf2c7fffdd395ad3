// The kit copies SDK responses (SSE streams included) to Node's response with backpressure.
import assert from 'node:assert/strict';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { streamBody } from '../nodeAdapter.ts';

const CHUNK = new Uint8Array(64 * 1024).fill(0x61);
const CHUNKS = 200;

function chunks(): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ < CHUNKS) controller.enqueue(CHUNK);
      else controller.close();
    },
  });
}

describe('kit node adapter: streaming a body with backpressure', function () {
  this.timeout(60_000);

  it('waits for drain many times without piling up close listeners on the response', async () => {
    let served: ServerResponse | undefined;
    let closeListenersAtEnd = -1;
    const server = createServer((_req, res) => {
      served = res;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      void streamBody(chunks(), res).then(() => {
        closeListenersAtEnd = res.listenerCount('close');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const received = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
          let bytes = 0;
          // A slow reader: the server's writes return false and it waits for drain again and again.
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            res.pause();
            setTimeout(() => res.resume(), 1);
          });
          res.on('end', () => resolve(bytes));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(received, CHUNK.length * CHUNKS);
      assert.ok(served, 'the request reached the server');
      // Node's own listeners plus the one that cancels the reader; not one per drain wait.
      assert.ok(closeListenersAtEnd >= 0 && closeListenersAtEnd <= 4, `close listeners left on the response: ${closeListenersAtEnd}`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
