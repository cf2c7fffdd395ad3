// The error every patch function throws for a patch that cannot be applied.

/** `reason` lets the server choose 400 (BadRequest: malformed patch) or 422 (Invalid). */
export class PatchError extends Error {
  override name = 'PatchError';
  readonly reason: 'BadRequest' | 'Invalid';
  constructor(message: string, reason: 'BadRequest' | 'Invalid' = 'Invalid') {
    super(message);
    this.reason = reason;
  }
}
