// Argument rules shared by the kv_* tools.
import { z } from 'zod';

export const keySchema = z
  .string()
  .min(1, 'key must not be empty')
  .max(256, 'key must be at most 256 characters')
  .refine((key) => ![...key].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f), 'key must not contain control characters')
  .describe('Key name (1-256 characters, e.g. "session:42")');

export const MAX_LIST_LIMIT = 1000;
