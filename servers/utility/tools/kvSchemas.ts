// Argument rules shared by the kv_* tools.
import { z } from 'zod';

/**
 * Characters a key may not hold: C0, DEL and C1 controls (\p{Cc}), and the invisible bidirectional
 * formatting marks (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069) that make a key display as
 * another one ("invoice\u202Efdp.exe").
 */
const FORBIDDEN_IN_KEYS = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

export const keySchema = z
  .string()
  .min(1, 'key must not be empty')
  .max(256, 'key must be at most 256 characters')
  .refine((key) => key.isWellFormed(), 'key must be valid Unicode (no unpaired surrogates)')
  .refine((key) => !FORBIDDEN_IN_KEYS.test(key), 'key must not contain control characters or bidirectional formatting marks (e.g. U+202E)')
  .describe('Key name (1-256 characters, e.g. "session:42")');

export const MAX_LIST_LIMIT = 1000;
