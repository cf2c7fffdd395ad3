// kube-apiserver answers a metadata-only list of an empty collection with "items": null (a nil
// Go slice), where kube-sim sends []. Before the client accepted it, the operator's Secrets
// informer never synced on a cluster without Secrets (the real tier's fresh cluster): it retried
// forever, every reconcile fell back to GETs and /readyz never passed. The loopback server here
// sends the API server's exact bytes.
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../client.ts';
import { createInformer, type Informer } from '../informer.ts';
import type { KubeObject } from '../types.ts';
import { captureLogs, pollUntil } from './helpers.ts';

const EMPTY_METADATA_LIST = '{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"7"},"items":null}';
const BOOKMARK = '{"type":"BOOKMARK","object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"7"}}}\n';

describe('metadata-only list of an empty collection (items: null, as kube-apiserver sends it)', function () {
  this.timeout(30_000);
  let server: Server;
  let client: KubeClient;
  const watches = new Set<ServerResponse>();
  before(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/api/v1/secrets') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      if (url.searchParams.get('watch') !== 'true') return void res.end(EMPTY_METADATA_LIST);
      watches.add(res);
      res.on('close', () => watches.delete(res));
      res.write(BOOKMARK);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const kc = new KubeConfig();
    const { port } = server.address() as AddressInfo;
    kc.loadFromOptions({ clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'c', cluster: 'c', user: 'u' }], currentContext: 'c' });
    client = new KubeClient({ kc });
  });
  after(async () => {
    for (const res of watches) res.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('the client lists it as no items', async () => {
    const list = await client.list('/api/v1/secrets');
    assert.deepEqual(list.items, []);
    assert.equal(list.metadata?.resourceVersion, '7');
  });

  it('a metadata-only informer syncs on it and watches without a single retry', async () => {
    const logs = captureLogs('warn');
    let informer: Informer<KubeObject> | undefined;
    try {
      informer = createInformer<KubeObject>({ client, name: 'secrets', path: '/api/v1/secrets', metadataOnly: true, stallTimeoutMs: 20_000, backoff: { initialMs: 50, maxMs: 200 }, onChange: () => undefined, logger: logs.logger });
      informer.start();
      await pollUntil(() => informer!.hasSynced(), 'informer synced');
      await pollUntil(() => watches.size === 1, 'watch opened');
      assert.deepEqual(informer.list(), []);
      assert.equal(informer.lastResourceVersion(), '7');
      assert.deepEqual(logs.lines, [], 'no list/watch failure was logged');
    } finally {
      await informer?.stop();
    }
  });
});
