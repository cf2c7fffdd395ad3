// Filesystem settings from the environment the operator renders. Parsing is pure (no disk
// access): a typed config or a ConfigError listing every bad variable. Whether the roots exist
// is a readiness question (checkReady), since volumes can mount after start.
import { isAbsolute, normalize } from 'node:path';
import { z } from 'zod';
import { ConfigError, unsetIfEmpty } from '../kit/env.ts';

export { ConfigError };
import { nameRoots, type Root } from './lib/roots.ts';

export interface FilesystemConfig {
  roots: Root[];
  allowWrite: boolean;
  /** Serve files with more than one hard link (off: such a file may be an outside file in disguise). */
  allowHardLinks: boolean;
  maxReadBytes: number;
  maxWriteBytes: number;
}

const byteCount = (example: string) =>
  z.coerce
    .number({ error: `must be a whole number of bytes, e.g. ${example}` })
    .int(`must be a whole number of bytes, e.g. ${example}`)
    .min(1, 'must be at least 1')
    .max(1024 * 1024 * 1024, 'must be at most 1073741824 (1 GiB)');

const booleanSetting = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value),
  z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
);

const envSchema = z.object({
  FS_ROOTS: z.preprocess(
    unsetIfEmpty,
    z
      .string({ error: 'is required: a comma-separated list of absolute directories, e.g. /data,/srv/docs' })
      .transform((value) => value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))
      .pipe(
        z
          .array(z.string().refine(isAbsolute, { error: (issue) => `entry "${String(issue.input)}" must be an absolute path, e.g. /data` }))
          .min(1, 'must list at least one directory, e.g. /data'),
      ),
  ),
  FS_ALLOW_WRITE: booleanSetting,
  FS_ALLOW_HARDLINKS: booleanSetting,
  FS_MAX_READ_BYTES: z.preprocess(unsetIfEmpty, byteCount('1048576').default(1_048_576)),
  FS_MAX_WRITE_BYTES: z.preprocess(unsetIfEmpty, byteCount('1048576').default(1_048_576)),
});

export function parseFilesystemConfig(env: Readonly<Record<string, string | undefined>>): FilesystemConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0] ?? '')}: ${issue.message}`);
    throw new ConfigError(`invalid filesystem server settings: ${problems.join('; ')}`);
  }
  const data = parsed.data;
  // "/data/" and "/data" are the same root; trailing separators would also break base names.
  const paths = data.FS_ROOTS.map((root) => (root === '/' ? root : normalize(root).replace(/\/+$/, '')));
  return {
    roots: nameRoots(paths),
    allowWrite: data.FS_ALLOW_WRITE === 'true',
    allowHardLinks: data.FS_ALLOW_HARDLINKS === 'true',
    maxReadBytes: data.FS_MAX_READ_BYTES,
    maxWriteBytes: data.FS_MAX_WRITE_BYTES,
  };
}
