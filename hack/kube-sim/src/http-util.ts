// HTTP plumbing for the simulator: bodies, JSON responses, Status errors, content negotiation.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest, statusBody, unsupportedMediaType } from './errors.ts';
import { decodeProtobufObject, isProtobuf } from './protobuf.ts';

const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString('utf8');
}

/** The raw request body (protobuf bodies are binary). */
export async function readBodyBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/**
 * Decodes a request body as JSON or (for apply patches and YAML uploads) YAML; with the raw
 * bytes, also Kubernetes protobuf for the kinds protobuf.ts knows (client-go's typed clients).
 */
export function decodeBody(text: string, contentType: string, raw?: Buffer): unknown {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw !== undefined && isProtobuf(type)) return decodeProtobufObject(raw);
  if (type.includes('protobuf') || type.includes('cbor')) {
    throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  }
  if (text.trim() === '') return undefined;
  if (type.endsWith('yaml')) {
    try {
      return parseYaml(text) as unknown;
    } catch (err) {
      throw badRequest(`error decoding YAML: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json', warnings: string[] = []): void {
  const text = JSON.stringify(body);
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Cache-Control', 'no-cache, private');
  if (warnings.length > 0) {
    res.setHeader(
      'Warning',
      warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
  }
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  if (err.details?.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.details.retryAfterSeconds));
  sendJson(res, err.code, statusBody(err));
}

export interface Negotiated {
  as: 'object' | 'Table' | 'PartialObjectMetadata';
}

/** What representation the Accept header asks for; protobuf falls back to JSON. */
export function negotiate(accept: string | undefined): Negotiated {
  if (accept === undefined) return { as: 'object' };
  const first = accept.split(',').map((s) => s.trim()).find((s) => !s.includes('protobuf')) ?? '';
  if (/as=Table/.test(first) && /g=meta\.k8s\.io/.test(first)) return { as: 'Table' };
  if (/as=PartialObjectMetadata/.test(first)) return { as: 'PartialObjectMetadata' };
  return { as: 'object' };
}

// The spellings Go's strconv.ParseBool accepts, which is how kube-apiserver reads boolean query
// parameters (the Python client sends watch=True).
const TRUE_SPELLINGS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_SPELLINGS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** A boolean query parameter: absent or empty is false; anything ParseBool refuses is a 400. */
export function boolParam(v: string | null, name = 'parameter'): boolean {
  if (v === null || v === '' || FALSE_SPELLINGS.has(v)) return false;
  if (TRUE_SPELLINGS.has(v)) return true;
  throw new ApiError(400, 'BadRequest', `invalid boolean value ${JSON.stringify(v)} for query parameter ${name}: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}
