// A local stand-in for the EKS API's Pod Identity operations, on 127.0.0.1, speaking the REST
// wire format the real @aws-sdk/client-eks uses (restJson1): the five operations below with the
// JSON shapes of the AWS API reference, AWS-style errors (x-amzn-ErrorType header + {message}),
// SigV4 Authorization headers required. Tests point the operator's real SDK client at it with
// --eks-endpoint and static credentials; it records every call and can fail on demand.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type EksOperation =
  | 'CreatePodIdentityAssociation'
  | 'ListPodIdentityAssociations'
  | 'DescribePodIdentityAssociation'
  | 'UpdatePodIdentityAssociation'
  | 'DeletePodIdentityAssociation';

export const EKS_WRITE_OPERATIONS: readonly EksOperation[] = ['CreatePodIdentityAssociation', 'UpdatePodIdentityAssociation', 'DeletePodIdentityAssociation'];

export interface StubAssociation {
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  associationArn: string;
  associationId: string;
  tags: Record<string, string>;
  createdAt: number;
  modifiedAt: number;
}

export interface StubCall {
  operation: EksOperation;
  method: string;
  path: string;
  status: number;
  /** Access key ID from the SigV4 Authorization header. */
  accessKeyId: string | undefined;
}

interface Failure {
  operation: EksOperation;
  remaining: number;
  status: number;
  errorType: string;
}

export interface EksStub {
  /** Base URL, e.g. http://127.0.0.1:43121 */
  url: string;
  region: string;
  calls: StubCall[];
  /** Associations currently held, every cluster. */
  associations(): StubAssociation[];
  /** Adds an association directly (as if someone else created it). */
  seed(association: Omit<StubAssociation, 'associationArn' | 'associationId' | 'createdAt' | 'modifiedAt'>): StubAssociation;
  /** The next `times` calls of `operation` fail with `status` (default 500 ServerException). */
  failNext(operation: EksOperation, times: number, status?: number, errorType?: string): void;
  /** Drops every pending failure of `operation` (for tests that fail "until observed"). */
  clearFailures(operation: EksOperation): void;
  /** Runs `hook` before each call of `operation` is served (to observe the world at that moment). */
  beforeEach(operation: EksOperation, hook: () => Promise<void> | void): void;
  count(operation?: EksOperation): number;
  /** Create, Update and Delete calls (attempts, failed ones included). */
  writes(): number;
  stop(): Promise<void>;
}

export interface EksStubOptions {
  /** Clusters that exist; calls for others get ResourceNotFoundException. */
  clusters: string[];
  region?: string;
  accountId?: string;
}

class StubError extends Error {
  readonly status: number;
  readonly errorType: string;
  constructor(status: number, errorType: string, message: string) {
    super(message);
    this.status = status;
    this.errorType = errorType;
  }
}

const BASE = /^\/clusters\/([^/]+)\/pod-identity-associations(?:\/([^/]+))?$/;

function newAssociationId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return `a-${[...randomBytes(17)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new StubError(400, 'InvalidRequestException', 'the request body is not a JSON object');
  }
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new StubError(400, 'InvalidParameterException', `${field} is required`);
  return value;
}

function operationOf(method: string, id: string | undefined): EksOperation | undefined {
  if (!id && method === 'POST') return 'CreatePodIdentityAssociation';
  if (!id && method === 'GET') return 'ListPodIdentityAssociations';
  if (id && method === 'GET') return 'DescribePodIdentityAssociation';
  if (id && method === 'POST') return 'UpdatePodIdentityAssociation';
  if (id && method === 'DELETE') return 'DeletePodIdentityAssociation';
  return undefined;
}

export async function startEksStub(opts: EksStubOptions): Promise<EksStub> {
  const region = opts.region ?? 'us-west-2';
  const accountId = opts.accountId ?? '123456789012';
  const clusters = new Set(opts.clusters);
  const store = new Map<string, StubAssociation>();
  const failures: Failure[] = [];
  const calls: StubCall[] = [];
  const hooks: { operation: EksOperation; hook: () => Promise<void> | void }[] = [];

  const describe = (a: StubAssociation) => ({ ...a, tags: { ...a.tags } });
  const find = (cluster: string, id: string) => {
    const a = store.get(id);
    if (!a || a.clusterName !== cluster) throw new StubError(404, 'ResourceNotFoundException', `No Pod Identity Association found for id: ${id}.`);
    return a;
  };
  const add = (a: Omit<StubAssociation, 'associationArn' | 'associationId' | 'createdAt' | 'modifiedAt'>): StubAssociation => {
    const associationId = newAssociationId();
    const now = Date.now() / 1000;
    const full: StubAssociation = { ...a, tags: { ...a.tags }, associationId, associationArn: `arn:aws:eks:${region}:${accountId}:podidentityassociation/${a.clusterName}/${associationId}`, createdAt: now, modifiedAt: now };
    store.set(associationId, full);
    return full;
  };

  const handle = async (req: IncomingMessage, operation: EksOperation, cluster: string, id: string | undefined, url: URL): Promise<unknown> => {
    const auth = req.headers.authorization ?? '';
    if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/eks\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.test(auth)) {
      throw new StubError(403, 'UnrecognizedClientException', 'the request is not signed with AWS Signature Version 4 for the eks service');
    }
    for (const h of hooks) if (h.operation === operation) await h.hook();
    const failure = failures.find((f) => f.operation === operation && f.remaining > 0);
    if (failure) {
      failure.remaining--;
      throw new StubError(failure.status, failure.errorType, `injected failure of ${operation}`);
    }
    if (!clusters.has(cluster)) throw new StubError(404, 'ResourceNotFoundException', `No cluster found for name: ${cluster}.`);
    switch (operation) {
      case 'CreatePodIdentityAssociation': {
        const body = await readJson(req);
        const namespace = requireString(body, 'namespace');
        const serviceAccount = requireString(body, 'serviceAccount');
        const roleArn = requireString(body, 'roleArn');
        const existing = [...store.values()].find((a) => a.clusterName === cluster && a.namespace === namespace && a.serviceAccount === serviceAccount);
        if (existing) throw new StubError(409, 'ResourceInUseException', `Association already exists: ${existing.associationId}`);
        const tags = (body.tags ?? {}) as Record<string, string>;
        return { association: describe(add({ clusterName: cluster, namespace, serviceAccount, roleArn, tags })) };
      }
      case 'ListPodIdentityAssociations': {
        const namespace = url.searchParams.get('namespace');
        const serviceAccount = url.searchParams.get('serviceAccount');
        const maxResults = Number(url.searchParams.get('maxResults') ?? '100');
        if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) throw new StubError(400, 'InvalidParameterException', 'maxResults must be between 1 and 100');
        const start = Number(url.searchParams.get('nextToken') ?? '0');
        const matching = [...store.values()].filter((a) => a.clusterName === cluster && (!namespace || a.namespace === namespace) && (!serviceAccount || a.serviceAccount === serviceAccount));
        const page = matching.slice(start, start + maxResults);
        return {
          associations: page.map((a) => ({ clusterName: a.clusterName, namespace: a.namespace, serviceAccount: a.serviceAccount, associationArn: a.associationArn, associationId: a.associationId })),
          ...(start + maxResults < matching.length ? { nextToken: String(start + maxResults) } : {}),
        };
      }
      case 'DescribePodIdentityAssociation':
        return { association: describe(find(cluster, id!)) };
      case 'UpdatePodIdentityAssociation': {
        const a = find(cluster, id!);
        const body = await readJson(req);
        if (body.roleArn !== undefined) a.roleArn = requireString(body, 'roleArn');
        a.modifiedAt = Date.now() / 1000;
        return { association: describe(a) };
      }
      case 'DeletePodIdentityAssociation': {
        const a = find(cluster, id!);
        store.delete(a.associationId);
        return { association: describe(a) };
      }
    }
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = url.pathname.match(BASE);
    const method = req.method ?? 'GET';
    const operation = match ? operationOf(method, match[2]) : undefined;
    const send = (status: number, body: unknown, errorType?: string) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomBytes(8).toString('hex'), ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
      res.end(text);
    };
    if (!match || !operation) {
      send(404, { message: `no EKS operation at ${method} ${url.pathname}` }, 'UnknownOperationException');
      return;
    }
    const accessKeyId = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    const record = (status: number) => calls.push({ operation, method, path: url.pathname, status, accessKeyId });
    handle(req, operation, decodeURIComponent(match[1]!), match[2] ? decodeURIComponent(match[2]) : undefined, url).then(
      (body) => {
        record(200);
        send(200, body);
      },
      (err: unknown) => {
        const e = err instanceof StubError ? err : new StubError(500, 'ServerException', String(err));
        record(e.status);
        send(e.status, { message: e.message }, e.errorType);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    region,
    calls,
    associations: () => [...store.values()].map(describe),
    seed: (a) => describe(add(a)),
    failNext(operation, times, status = 500, errorType = 'ServerException') {
      failures.push({ operation, remaining: times, status, errorType });
    },
    clearFailures(operation) {
      for (const f of failures) if (f.operation === operation) f.remaining = 0;
    },
    beforeEach(operation, hook) {
      hooks.push({ operation, hook });
    },
    count: (operation) => calls.filter((c) => operation === undefined || c.operation === operation).length,
    writes: () => calls.filter((c) => EKS_WRITE_OPERATIONS.includes(c.operation)).length,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
