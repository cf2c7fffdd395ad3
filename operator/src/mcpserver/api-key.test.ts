import assert from 'node:assert/strict';
import type { McpServer } from '../api/mcpserver.ts';
import { apiKeyHeaders, firstApiKey } from './api-key.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const server = (namespace: string, ref?: { name: string; key: string }) => ({ metadata: { name: 's', namespace }, spec: { auth: ref ? { apiKeySecretRef: ref } : {} } }) as unknown as McpServer;

/** A client that serves the given Secrets by path and records what was asked for. */
function secrets(byPath: Record<string, { data?: Record<string, string> }>) {
  const asked: string[] = [];
  return {
    asked,
    get: <T>(path: string) => {
      asked.push(path);
      return Promise.resolve(byPath[path] as T | undefined);
    },
  };
}

describe('API key of a McpServer (verifier and console)', () => {
  it('takes the first key of the value, skipping comments and blank lines', () => {
    assert.equal(firstApiKey({ data: { keys: b64('# comment\n\n  k1 \nk2') } }, 'keys'), 'k1');
    assert.equal(firstApiKey({ data: { keys: b64('# only a comment\n') } }, 'keys'), undefined);
    assert.equal(firstApiKey({ data: {} }, 'keys'), undefined);
    assert.equal(firstApiKey({}, 'keys'), undefined);
  });

  it('reads the Secret of the server\'s namespace and sends the key as x-api-key', async () => {
    const client = secrets({ '/api/v1/namespaces/team-a/secrets/api-keys': { data: { keys: b64('k1\nk2\n') } } });
    assert.deepEqual(await apiKeyHeaders(client, server('team-a', { name: 'api-keys', key: 'keys' })), { 'x-api-key': 'k1' });
    assert.deepEqual(client.asked, ['/api/v1/namespaces/team-a/secrets/api-keys']);
  });

  it('sends nothing without apiKeySecretRef and reads no Secret', async () => {
    const client = secrets({});
    assert.deepEqual(await apiKeyHeaders(client, server('team-a')), {});
    assert.deepEqual(client.asked, []);
  });

  it('names the Secret when it is missing or holds no key', async () => {
    await assert.rejects(apiKeyHeaders(secrets({}), server('team-a', { name: 'gone', key: 'keys' })), /^Error: Secret team-a\/gone \(spec.auth.apiKeySecretRef\) does not exist$/);
    const empty = secrets({ '/api/v1/namespaces/team-a/secrets/api-keys': { data: { other: b64('k') } } });
    await assert.rejects(apiKeyHeaders(empty, server('team-a', { name: 'api-keys', key: 'keys' })), /Secret team-a\/api-keys has no API key under keys/);
  });

  it('encodes the names into the path (no traversal to another resource)', async () => {
    const client = secrets({});
    await assert.rejects(apiKeyHeaders(client, server('team-a', { name: '../configmaps/x', key: 'k' })));
    assert.deepEqual(client.asked, ['/api/v1/namespaces/team-a/secrets/..%2Fconfigmaps%2Fx']);
  });
});
