// Protobuf request bodies of client-go's typed clientset (what Helm sends for its release
// Secrets and DeleteOptions), encoded here by hand with the generated field numbers.
import assert from 'node:assert/strict';
import { decodeProtobufObject } from '../src/protobuf.ts';
import { ApiError } from '../src/errors.ts';

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
}
const bytesField = (field: number, value: Buffer | string): Buffer => {
  const b = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
  return Buffer.concat([varint((field << 3) | 2), varint(b.length), b]);
};
const varintField = (field: number, value: number): Buffer => Buffer.concat([varint(field << 3), varint(value)]);
const mapEntry = (field: number, key: string, value: Buffer | string): Buffer => bytesField(field, Buffer.concat([bytesField(1, key), bytesField(2, value)]));
const envelope = (apiVersion: string, kind: string, raw: Buffer): Buffer =>
  Buffer.concat([Buffer.from('k8s\0', 'latin1'), bytesField(1, Buffer.concat([bytesField(1, apiVersion), bytesField(2, kind)])), bytesField(2, raw), bytesField(4, 'application/vnd.kubernetes.protobuf')]);

describe('kube-sim protobuf request bodies', () => {
  it('decodes a Secret the way Helm stores a release', () => {
    const meta = Buffer.concat([
      bytesField(1, 'sh.helm.release.v1.demo.v1'),
      bytesField(3, 'apps'),
      bytesField(6, '42'),
      mapEntry(11, 'owner', 'helm'),
      mapEntry(11, 'status', 'deployed'),
      bytesField(14, 'a/b'),
      bytesField(99, 'an unknown field is skipped'),
    ]);
    const secret = Buffer.concat([bytesField(1, meta), mapEntry(2, 'release', Buffer.from([0, 1, 2, 255])), bytesField(3, 'helm.sh/release.v1'), varintField(5, 1)]);
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'Secret', secret)), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sh.helm.release.v1.demo.v1', namespace: 'apps', resourceVersion: '42', labels: { owner: 'helm', status: 'deployed' }, finalizers: ['a/b'] },
      data: { release: Buffer.from([0, 1, 2, 255]).toString('base64') },
      type: 'helm.sh/release.v1',
      immutable: true,
    });
  });

  it('decodes DeleteOptions with a propagation policy', () => {
    const body = Buffer.concat([varintField(1, 0), bytesField(4, 'Background')]);
    assert.deepEqual(decodeProtobufObject(envelope('meta.k8s.io/v1', 'DeleteOptions', body)), { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, propagationPolicy: 'Background' });
  });

  it('answers 415 naming the kind it cannot decode, and for a body without the magic prefix', () => {
    assert.throws(() => decodeProtobufObject(envelope('apps/v1', 'Deployment', Buffer.alloc(0))), (err: unknown) => err instanceof ApiError && err.code === 415 && /got apps\/v1\/Deployment/.test(err.message));
    assert.throws(() => decodeProtobufObject(Buffer.from('{"kind":"Secret"}')), (err: unknown) => err instanceof ApiError && err.code === 415 && /magic prefix/.test(err.message));
  });
});
