// Argument rules shared by the tickets tools (bounds from the system this server replaces).
import { z } from 'zod';

// eslint-disable-next-line no-control-regex -- ids must not carry control characters
const CONTROL = /[\u0000-\u001f\u007f]/;

export const idSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .refine((id) => !CONTROL.test(id), 'must not contain control characters');

export const skipSchema = z.number().int().min(0).max(1_000_000).default(0).describe('Records to skip');
export const limitSchema = (fallback: number, max: number) => z.number().int().min(1).max(max).default(fallback).describe(`Most records to return (1-${max})`);
