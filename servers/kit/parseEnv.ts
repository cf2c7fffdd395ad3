// Parses a server's environment with a zod schema: empty variables count as unset (a Secret or
// ConfigMap key rendered as "" must not become a bad value) and every problem is reported at
// once in one ConfigError, which the entry point turns into exit code 2.
import type { z } from 'zod';
import { ConfigError } from './env.ts';

export function parseEnvWith<Schema extends z.ZodType>(schema: Schema, env: Readonly<Record<string, string | undefined>>, what: string): z.output<Schema> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(`invalid ${what} settings: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** A comma-separated list, trimmed, empty items dropped. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
