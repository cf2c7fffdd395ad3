// HTTPS requests to the local API server with its CA and a bearer token (Node's fetch cannot take
// a CA without an extra dependency; node:https can).
import { request as httpsRequest, Agent } from 'node:https';

export interface ApiResponse {
  status: number;
  text: string;
}

export interface ApiTarget {
  server: string;
  caPem: string;
  token: string;
}

const agents = new WeakMap<ApiTarget, Agent>();

function agentFor(target: ApiTarget): Agent {
  let agent = agents.get(target);
  if (!agent) {
    agent = new Agent({ ca: target.caPem, keepAlive: true, maxSockets: 16 });
    agents.set(target, agent);
  }
  return agent;
}

export function apiRequest(target: ApiTarget, method: string, urlPath: string, body?: string, contentType = 'application/json', timeoutMs = 30_000, userAgent = 'mcpfleet-cluster'): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(urlPath, target.server),
      {
        method,
        agent: agentFor(target),
        timeout: timeoutMs,
        headers: {
          authorization: `Bearer ${target.token}`,
          accept: 'application/json',
          'user-agent': userAgent,
          ...(body !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Polls until probe() returns a value other than undefined/false, or fails with the last error. */
export async function pollUntil<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}
