// Domain failures of the weather lookups. Every message is written for the caller (an agent or a
// person) and says what to change; none ever contains the API key or a URL carrying it.

export type WeatherErrorCode =
  | 'not_found'
  | 'invalid_request'
  | 'upstream_auth'
  | 'upstream_rate_limited'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  | 'upstream_unreachable'
  | 'upstream_invalid_response'
  | 'cancelled';

export class WeatherError extends Error {
  override readonly name = 'WeatherError';
  readonly code: WeatherErrorCode;

  constructor(message: string, code: WeatherErrorCode) {
    super(message);
    this.code = code;
  }
}
