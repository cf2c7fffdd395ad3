// Shared pieces of every server's environment parsing: one error type the entry point maps to
// exit code 2, and the rule that an empty variable counts as unset (a Secret or ConfigMap key
// rendered as "" must not turn into a bad value).

/** A setting is missing or malformed; the message names every bad variable and what to put there. */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
}

export const unsetIfEmpty = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
