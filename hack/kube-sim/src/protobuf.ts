// Kubernetes protobuf request bodies ("application/vnd.kubernetes.protobuf") for the few core
// kinds that client-go's typed clientset writes with protobuf by default and tools depend on:
// Helm stores its releases as Secrets (or ConfigMaps) through that clientset, and creates
// namespaces with it, and deletes with protobuf DeleteOptions. The envelope is the 4-byte magic "k8s\0" followed by a runtime.Unknown
// {typeMeta, raw}; raw is the object's generated protobuf message. Only the fields listed in
// the message descriptors below are decoded; unknown fields are skipped as protobuf allows
// (metadata.managedFields among them: omitting them on an update keeps the stored ones, as in
// kube-apiserver). Any other kind still gets 415, naming the kind.
import { unsupportedMediaType } from './errors.ts';

type Scalar = 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'json';
interface MapType {
  map: [Scalar, Scalar | Message];
}
type FieldType = Scalar | Message | MapType;
/** field number → [JSON name, type, repeated] */
interface Message {
  [field: number]: [string, FieldType, boolean?];
}

const OWNER_REFERENCE: Message = {
  1: ['kind', 'string'],
  3: ['name', 'string'],
  4: ['uid', 'string'],
  5: ['apiVersion', 'string'],
  6: ['controller', 'bool'],
  7: ['blockOwnerDeletion', 'bool'],
};

const OBJECT_META: Message = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['generation', 'int'],
  8: ['creationTimestamp', 'time'],
  9: ['deletionTimestamp', 'time'],
  10: ['deletionGracePeriodSeconds', 'int'],
  11: ['labels', { map: ['string', 'string'] }],
  12: ['annotations', { map: ['string', 'string'] }],
  13: ['ownerReferences', OWNER_REFERENCE, true],
  14: ['finalizers', 'string', true],
};

/** The decodable kinds by "apiVersion/kind". */
const KINDS: Record<string, Message> = {
  'v1/Secret': {
    1: ['metadata', OBJECT_META],
    2: ['data', { map: ['string', 'bytes'] }],
    3: ['type', 'string'],
    4: ['stringData', { map: ['string', 'string'] }],
    5: ['immutable', 'bool'],
  },
  'v1/ConfigMap': {
    1: ['metadata', OBJECT_META],
    2: ['data', { map: ['string', 'string'] }],
    3: ['binaryData', { map: ['string', 'bytes'] }],
    4: ['immutable', 'bool'],
  },
  'v1/Namespace': {
    1: ['metadata', OBJECT_META],
    2: ['spec', { 1: ['finalizers', 'string', true] }],
  },
};
// The body of DELETE requests (Helm's uninstall deletes its release Secrets with one).
const DELETE_OPTIONS: Message = {
  1: ['gracePeriodSeconds', 'int'],
  2: ['preconditions', { 1: ['uid', 'string'], 2: ['resourceVersion', 'string'] }],
  3: ['orphanDependents', 'bool'],
  4: ['propagationPolicy', 'string'],
  5: ['dryRun', 'string', true],
};
KINDS['v1/DeleteOptions'] = DELETE_OPTIONS;
KINDS['meta.k8s.io/v1/DeleteOptions'] = DELETE_OPTIONS;
// kubectl auth can-i sends its access reviews with protobuf (authorization.ts answers them).
const RESOURCE_ATTRIBUTES: Message = { 1: ['namespace', 'string'], 2: ['verb', 'string'], 3: ['group', 'string'], 4: ['version', 'string'], 5: ['resource', 'string'], 6: ['subresource', 'string'], 7: ['name', 'string'] };
const NON_RESOURCE_ATTRIBUTES: Message = { 1: ['path', 'string'], 2: ['verb', 'string'] };
KINDS['authorization.k8s.io/v1/SelfSubjectAccessReview'] = { 1: ['metadata', OBJECT_META], 2: ['spec', { 1: ['resourceAttributes', RESOURCE_ATTRIBUTES], 2: ['nonResourceAttributes', NON_RESOURCE_ATTRIBUTES] }] };
KINDS['authorization.k8s.io/v1/SubjectAccessReview'] = {
  1: ['metadata', OBJECT_META],
  2: ['spec', { 1: ['resourceAttributes', RESOURCE_ATTRIBUTES], 2: ['nonResourceAttributes', NON_RESOURCE_ATTRIBUTES], 3: ['user', 'string'], 4: ['groups', 'string', true], 6: ['uid', 'string'] }],
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const UNKNOWN: Message = { 1: ['typeMeta', { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] }], 2: ['raw', 'json'] };

class Reader {
  pos = 0;
  readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  done(): boolean {
    return this.pos >= this.buf.length;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const byte = this.buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.buf.length) throw new Error('truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
}

function scalar(type: Scalar, r: Reader, wireType: number): unknown {
  if (type === 'int') return Number(BigInt.asIntN(64, r.varint()));
  if (type === 'bool') return r.varint() !== 0n;
  if (wireType !== 2) throw new Error(`expected a length-delimited ${type}`);
  const raw = r.bytes();
  if (type === 'string') return raw.toString('utf8');
  if (type === 'bytes') return raw.toString('base64');
  if (type === 'json') return raw;
  const time = decodeMessage(raw, { 1: ['seconds', 'int'], 2: ['nanos', 'int'] }) as { seconds?: number };
  return new Date((time.seconds ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function decodeMessage(buf: Buffer, message: Message): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const r = new Reader(buf);
  while (!r.done()) {
    const tag = Number(r.varint());
    const field = tag >>> 3;
    const wireType = tag & 7;
    const spec = message[field];
    if (spec === undefined) {
      r.skip(wireType);
      continue;
    }
    const [name, type, repeated] = spec;
    let value: unknown;
    if (typeof type === 'string') {
      value = scalar(type, r, wireType);
    } else if ('map' in type) {
      const entry = decodeMessage(r.bytes(), { 1: ['key', type.map[0]], 2: ['value', type.map[1]] });
      const map = (out[name] ??= {}) as Record<string, unknown>;
      map[String(entry.key ?? '')] = entry.value ?? (type.map[1] === 'string' || type.map[1] === 'bytes' ? '' : {});
      continue;
    } else {
      value = decodeMessage(r.bytes(), type);
    }
    if (repeated) ((out[name] ??= []) as unknown[]).push(value);
    else out[name] = value;
  }
  return out;
}

/** Whether a Content-Type is Kubernetes protobuf. */
export function isProtobuf(contentType: string): boolean {
  return (contentType.split(';')[0]?.trim().toLowerCase() ?? '') === 'application/vnd.kubernetes.protobuf';
}

/** Decodes a protobuf request body to the JSON form of the object; 415 for kinds it cannot decode. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw unsupportedMediaType('the protobuf body does not start with the Kubernetes magic prefix "k8s\\x00"');
  }
  let envelope: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Buffer };
  try {
    envelope = decodeMessage(body.subarray(MAGIC.length), UNKNOWN) as typeof envelope;
  } catch (err) {
    throw unsupportedMediaType(`cannot decode the protobuf envelope: ${err instanceof Error ? err.message : String(err)}`);
  }
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  const message = KINDS[`${apiVersion}/${kind}`];
  if (message === undefined) {
    throw unsupportedMediaType(
      `kube-sim decodes protobuf bodies only for ${Object.keys(KINDS).join(', ')} (got ${apiVersion}/${kind}); send application/json`,
    );
  }
  try {
    return { apiVersion, kind, ...decodeMessage(envelope.raw ?? Buffer.alloc(0), message) };
  } catch (err) {
    throw unsupportedMediaType(`cannot decode the protobuf ${kind}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
