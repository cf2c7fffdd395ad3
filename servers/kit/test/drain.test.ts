// SIGTERM under load, against a real server process: 32 clients on keep-alive connections keep
// calling a tool while the server drains. Every request must get an answer (200, or 503 with
// Connection: close that sends the client to another replica): no ECONNRESET, no hang-up.
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { startServerProcess, type ServerProcess } from './serverProcess.ts';
import { pollUntil } from './httpHelpers.ts';
import { toolsCallBody, toolsCallHeaders } from './httpHelpers.ts';

interface Outcome {
  status?: number;
  connectionClose?: boolean;
  error?: string;
}

function post(url: string, agent: Agent, body: string, headers: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connectionClose: res.headers.connection === 'close' }));
      res.on('error', (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }));
    });
    req.on('error', (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }));
    req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

describe('drain under load (real process, SIGTERM)', function () {
  this.timeout(90_000);
  let server: ServerProcess | undefined;
  afterEach(() => server?.kill());

  it('answers every request on keep-alive sockets with 200 or 503 + Connection: close; none fails', async () => {
    server = await startServerProcess('utility', { DRAIN_TIMEOUT: '10' });
    const { url } = server;
    const body = toolsCallBody('kv_get', { key: 'k' });
    const headers = toolsCallHeaders('kv_get');
    const outcomes: Outcome[] = [];
    let sentSigterm = false;
    let afterSigterm = 0;
    const clients = Array.from({ length: 32 }, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        // Bounded: at most 3000 requests per client; stops once told to go elsewhere.
        for (let i = 0; i < 3000; i += 1) {
          const outcome = await post(url, agent, body, headers);
          outcomes.push(outcome);
          if (sentSigterm) afterSigterm += 1;
          if (outcome.error !== undefined || outcome.status === 503) return;
        }
      } finally {
        agent.destroy();
      }
    });
    await pollUntil(() => outcomes.length >= 300, 'the load to run', 30_000);
    server.child.kill('SIGTERM');
    sentSigterm = true;
    await Promise.all(clients);
    const errors = outcomes.filter((outcome) => outcome.error !== undefined).map((outcome) => outcome.error);
    assert.deepEqual(errors, [], `failed requests out of ${outcomes.length}`);
    const refusals = outcomes.filter((outcome) => outcome.status === 503);
    assert.equal(refusals.length, 32, 'each client was told once to go elsewhere');
    assert.ok(refusals.every((outcome) => outcome.connectionClose), '503s carry Connection: close');
    assert.ok(outcomes.every((outcome) => outcome.status === 200 || outcome.status === 503));
    assert.ok(afterSigterm >= 32);
    assert.equal(await server.exited, 0);
  });
});
