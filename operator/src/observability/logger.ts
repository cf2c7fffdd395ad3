// Structured JSON logs (winston). Every reconcile logs through a child logger that carries the
// controller, the object's namespace/name (and generation once read) and a reconcile id, so one
// reconcile's lines can be pulled out of an interleaved stream.
import type { Writable } from 'node:stream';
import winston from 'winston';
import type { KubeObject } from '../kube/types.ts';

export type Logger = winston.Logger;
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'console';

export interface LoggerOptions {
  level?: LogLevel;
  /** Where JSON lines go; stdout by default. Tests pass a stream to capture them. */
  stream?: Writable;
  /** Fields on every line, e.g. {component: 'operator'}. */
  defaultMeta?: Record<string, unknown>;
  /** json (default): one object a line; console: "time LEVEL message key=value ..." for people. */
  format?: LogFormat;
}

/** One line for a person: time, level, message, then the fields as key=value (strings quoted when needed). */
export function consoleLine(info: Record<string, unknown>): string {
  const { timestamp, level, message, stack, ...fields } = info;
  const shown = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)}`);
  const head = `${String(timestamp)} ${String(level).toUpperCase().padEnd(5)} ${String(message)}`;
  return [head, ...shown].join(' ') + (typeof stack === 'string' ? `\n${stack}` : '');
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const transport = opts.stream ? new winston.transports.Stream({ stream: opts.stream }) : new winston.transports.Console();
  return winston.createLogger({
    level: opts.level ?? 'info',
    levels: winston.config.npm.levels,
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      winston.format.timestamp(),
      opts.format === 'console' ? winston.format.printf((info) => consoleLine(info)) : winston.format.json(),
    ),
    defaultMeta: opts.defaultMeta,
    transports: [transport],
  });
}

/** A child logger for one reconcile of `key` ("namespace/name"). */
export function reconcileLogger(base: Logger, opts: { controller: string; key: string; reconcileId: string }): Logger {
  const slash = opts.key.indexOf('/');
  const namespace = slash >= 0 ? opts.key.slice(0, slash) : '';
  const name = slash >= 0 ? opts.key.slice(slash + 1) : opts.key;
  return base.child({ controller: opts.controller, namespace, name, reconcileId: opts.reconcileId });
}

/** Adds the object's generation (and resourceVersion) once the reconciler has read it. */
export function withObject(logger: Logger, obj: KubeObject): Logger {
  return logger.child({ generation: obj.metadata?.generation, resourceVersion: obj.metadata?.resourceVersion });
}

/** Error fields for a log line: message and stack, never the whole object (it may hold secrets). */
export function errorFields(err: unknown): { error: string; stack?: string } {
  if (err instanceof Error) return { error: err.message, stack: err.stack };
  return { error: String(err) };
}
