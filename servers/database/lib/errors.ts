// Domain failures of the database lib; each message says what to change. The tools turn them into
// MCP tool errors. They cross the query-process boundary as {message, code} pairs.

export type DatabaseErrorCode =
  | 'read_only'
  | 'attach_refused'
  | 'syntax_error'
  | 'not_found'
  | 'invalid_request'
  | 'parameter_error'
  | 'sqlite_error'
  | 'unavailable'
  | 'cancelled'
  | 'too_large';

export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  readonly code: DatabaseErrorCode;

  constructor(message: string, code: DatabaseErrorCode) {
    super(message);
    this.code = code;
  }
}
