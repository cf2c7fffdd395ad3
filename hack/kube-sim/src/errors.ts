// API errors carried as exceptions inside the server and rendered as metav1.Status bodies, the
// shape kubectl and client-node decode to print "Error from server (Reason): message".

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  /** Extra response headers, e.g. Retry-After for 429. */
  readonly headers: Record<string, string>;

  constructor(code: number, reason: string, message: string, details?: StatusDetails, headers?: Record<string, string>) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
    this.headers = headers ?? {};
  }
}

export function statusBody(err: ApiError): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: err.message,
    reason: err.reason,
    code: err.code,
  };
  if (err.details !== undefined) body.details = err.details;
  return body;
}

/** Kubernetes' resource description in messages: `deployments.apps "web"` or `pods "p"`. */
function qualified(plural: string, group: string): string {
  return group === '' ? plural : `${plural}.${group}`;
}

export function notFound(plural: string, group: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(plural, group)} "${name}" not found`, { name, group, kind: plural });
}

export function alreadyExists(plural: string, group: string, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(plural, group)} "${name}" already exists`, { name, group, kind: plural });
}

export function conflict(plural: string, group: string, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(plural, group)} "${name}": ${why}`, {
    name,
    group,
    kind: plural,
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(message: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function unsupportedMediaType(message: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', message);
}

export function invalid(kind: string, group: string, name: string, message: string, causes: StatusCause[]): ApiError {
  return new ApiError(422, 'Invalid', message, { name, group, kind, causes });
}

export function forbidden(message: string, details?: StatusDetails): ApiError {
  return new ApiError(403, 'Forbidden', message, details);
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return internalError(message);
}
