// The tickets server's error taxonomy, as the system it replaces reported it: every failure is one
// of five categories with a message saying what to do and optional details. Tools return it as a
// structured MCP tool error (the JSON below is the error's text). No MCP types here.
export const ERROR_CATEGORIES = ['VALIDATION_ERROR', 'SERVICE_ERROR', 'AUTHENTICATION_ERROR', 'TIMEOUT_ERROR', 'INTERNAL_ERROR'] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export class TicketsError extends Error {
  override readonly name = 'TicketsError';
  readonly category: ErrorCategory;
  readonly details: Record<string, unknown>;
  constructor(category: ErrorCategory, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.category = category;
    this.details = details;
  }

  /** {"error": category, "message": ..., "details": {...}} */
  toJSON(): { error: ErrorCategory; message: string; details: Record<string, unknown> } {
    return { error: this.category, message: this.message, details: this.details };
  }
}
