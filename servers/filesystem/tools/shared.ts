// Arguments and result parts shared by the filesystem tools.
import { z } from 'zod';
import type { Root } from '../lib/roots.ts';

export interface FsToolDeps {
  roots: Root[];
}

export function rootArgument(roots: readonly Root[]) {
  const names = roots.map((r, i) => `${i} = "${r.name}"`).join(', ');
  return z
    .union([z.string(), z.number().int().min(0)])
    .optional()
    .describe(roots.length > 1 ? `Which root (name or index; required): ${names}.` : `Optional; the only root is "${roots[0]?.name ?? ''}".`);
}

export const pathArgument = z
  .string()
  .max(4096, 'path must be at most 4096 characters')
  .describe('Path relative to the root, with "/" separators, e.g. "docs/readme.md"; "" or "." is the root itself.');

export const entryTypeSchema = z.enum(['file', 'directory', 'symlink', 'other']);
