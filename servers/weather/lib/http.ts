// One upstream GET with a deadline. The deadline (HTTP_TIMEOUT) and the tool call's own signal
// (client cancel, TOOL_TIMEOUT, drain) are combined so whichever fires first stops the request,
// and the error says which one it was. Messages name the service and its origin, never the full
// URL: OpenWeather's URL carries the API key in its query string.
import { WeatherError } from './errors.ts';
import type { FetchLike } from './types.ts';

export interface UpstreamRequest {
  /** Human name for messages, e.g. "OpenWeather". */
  service: string;
  url: URL;
  timeoutMs: number;
  signal: AbortSignal;
  fetch: FetchLike;
}

export interface UpstreamReply {
  status: number;
  headers: Headers;
  text: string;
}

/** Upstream bodies beyond this are not weather data; refusing them bounds memory per call. */
const MAX_BODY_CHARS = 4 * 1024 * 1024;

export async function requestUpstream(request: UpstreamRequest): Promise<UpstreamReply> {
  const deadline = AbortSignal.timeout(request.timeoutMs);
  const signal = AbortSignal.any([request.signal, deadline]);
  try {
    const response = await request.fetch(request.url, {
      method: 'GET',
      headers: { accept: 'application/json', 'user-agent': 'mcpfleet-weather/1' },
      signal,
      redirect: 'follow',
    });
    const text = await response.text();
    if (text.length > MAX_BODY_CHARS) {
      throw new WeatherError(
        `${request.service} sent an unexpectedly large response (${text.length} characters); retry later.`,
        'upstream_invalid_response',
      );
    }
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    if (error instanceof WeatherError) throw error;
    if (request.signal.aborted) {
      throw new WeatherError(`The call was cancelled before ${request.service} answered.`, 'cancelled');
    }
    if (deadline.aborted) {
      const seconds = request.timeoutMs / 1000;
      throw new WeatherError(
        `${request.service} did not answer within ${seconds} s (HTTP_TIMEOUT). Retry in a moment, or raise HTTP_TIMEOUT if the upstream is known to be slow.`,
        'upstream_timeout',
      );
    }
    throw new WeatherError(
      `Could not reach ${request.service} at ${request.url.origin} (${networkCause(error)}). Check the pod's egress (NetworkPolicy, proxy, DNS) and retry.`,
      'upstream_unreachable',
    );
  }
}

/** A short, secret-free reason for a network failure: the system error code when there is one. */
function networkCause(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  return 'network error';
}

/** Parses a JSON body, or returns undefined when it is not JSON (wttr.in answers some errors in plain text). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
