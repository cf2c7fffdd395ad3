// JSON logs (winston) with secrets scrubbed before anything is written: field names that hold
// credentials are masked wholesale, and free text is scrubbed of bearer tokens, URL passwords and
// the configured API keys themselves (so a key echoed inside an error message cannot leak).
import type { Writable } from 'node:stream';
import winston from 'winston';

export type Logger = winston.Logger;

export const REDACTED = '[REDACTED]';

const SECRET_FIELD = /authorization|api[-_]?keys?$|^x-api-key$|token|secret|password|passwd|cookie|credential|^redis_?url$/i;

/** Scrubs secrets that can hide inside free text. Pure, exported for tests and other helpers. */
export function scrubText(text: string, knownSecrets: readonly string[] = []): string {
  let out = text
    // scheme://user:password@host → scheme://user:[REDACTED]@host (REDIS_URL, database URLs)
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)@/gi, `$1${REDACTED}@`)
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`);
  for (const secret of knownSecrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Deep copy of a log record with secret fields masked and strings scrubbed. */
export function redact(value: unknown, knownSecrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value, knownSecrets);
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (value instanceof Error) {
    return { name: value.name, message: scrubText(value.message, knownSecrets), stack: value.stack && scrubText(value.stack, knownSecrets) };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, knownSecrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_FIELD.test(key) && item !== undefined && item !== null && item !== '' ? REDACTED : redact(item, knownSecrets, depth + 1);
  }
  return out;
}

export interface LoggerOptions {
  level?: string;
  /** Where JSON lines go; stdout by default, stderr in stdio mode (stdout carries the protocol). */
  stream?: Writable;
  /** Exact secret values (API keys) to scrub from any text. */
  knownSecrets?: readonly string[];
  /** Fields added to every line, e.g. { server: 'utility' }. */
  defaultMeta?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const knownSecrets = options.knownSecrets ?? [];
  const scrub = winston.format((info) => {
    // winston keeps level/message under string keys and internals under symbols; rewrite only
    // the string-keyed fields so the symbol-keyed bookkeeping stays intact.
    for (const key of Object.keys(info)) {
      if (key === 'level') continue;
      (info as Record<string, unknown>)[key] =
        SECRET_FIELD.test(key) && info[key] !== undefined ? REDACTED : redact(info[key], knownSecrets);
    }
    return info;
  });
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: options.defaultMeta,
    format: winston.format.combine(winston.format.errors({ stack: true }), scrub(), winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stdout })],
  });
}
