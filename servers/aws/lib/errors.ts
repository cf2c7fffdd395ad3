// Domain errors of the AWS calls, worded for the caller: what went wrong and what to change.
// The tools turn them into MCP tool errors; anything unexpected is left for the kit to log.
import { awsErrorName, awsHttpStatus } from '../../kit/awsClients.ts';

export type AwsFailureCode = 'not_found' | 'access_denied' | 'throttled' | 'invalid_request' | 'upstream_unavailable' | 'upstream_timeout' | 'no_credentials' | 'too_large' | 'binary_content' | 'empty_object' | 'model_not_allowed';

export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
  readonly code: AwsFailureCode;
  constructor(message: string, code: AwsFailureCode) {
    super(message);
    this.code = code;
  }
}

const THROTTLES = new Set(['ThrottlingException', 'Throttling', 'SlowDown', 'TooManyRequestsException', 'RequestLimitExceeded', 'ServiceQuotaExceededException']);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'Forbidden', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'UnrecognizedClientException']);
const UNAVAILABLE = new Set(['ServiceUnavailableException', 'ServiceUnavailable', 'InternalServerException', 'InternalError', 'ModelNotReadyException', 'ModelErrorException']);
const TIMEOUTS = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ModelTimeoutException']);

/**
 * Maps an SDK failure of `action` (e.g. "read s3://b/k") to an AwsCallError; `notFound` words the
 * 404 case. Returns the original error when it is not an AWS service failure (a bug to log).
 */
export function describeAwsFailure(error: unknown, action: string, notFound: string): unknown {
  if (error instanceof AwsCallError) return error;
  const name = awsErrorName(error) ?? '';
  const status = awsHttpStatus(error);
  const detail = error instanceof Error && error.message ? `: ${error.message.slice(0, 300)}` : '';
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(String((error as Error)?.message))) {
    return new AwsCallError(`No AWS credentials were found for ${action}; bind the server to an IAM role (identity.aws: Pod Identity or IRSA).`, 'no_credentials');
  }
  if (THROTTLES.has(name) || status === 429) return new AwsCallError(`AWS throttled the request to ${action} (${name || 'HTTP 429'}); retry after a few seconds or raise the service quota.`, 'throttled');
  if (DENIED.has(name) || status === 403) return new AwsCallError(`The server's AWS identity may not ${action} (${name || 'HTTP 403'}); grant the permission to its IAM role.`, 'access_denied');
  if (/^(NoSuch\w+|NotFound|ResourceNotFoundException)$/.test(name) || status === 404) return new AwsCallError(notFound, 'not_found');
  if (TIMEOUTS.has(name) || name === 'AbortError') return new AwsCallError(`AWS did not answer in time to ${action}; retry later.`, 'upstream_timeout');
  if (UNAVAILABLE.has(name) || (status !== undefined && status >= 500)) return new AwsCallError(`AWS could not ${action} right now (${name || `HTTP ${status}`}); retry later.`, 'upstream_unavailable');
  if (name === 'ValidationException' || name === 'InvalidArgument' || name === 'InvalidParameterValue' || status === 400) {
    return new AwsCallError(`AWS refused the request to ${action}${detail}`, 'invalid_request');
  }
  if (/ECONNREFUSED|ENOTFOUND|ECONNRESET|EAI_AGAIN|socket hang up/i.test(String((error as Error)?.message))) {
    return new AwsCallError(`AWS could not be reached to ${action}; retry later.`, 'upstream_unavailable');
  }
  return error;
}

/** Runs an AWS call, rethrowing its failure described (see describeAwsFailure). */
export async function awsCall<T>(action: string, notFound: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw describeAwsFailure(error, action, notFound);
  }
}
