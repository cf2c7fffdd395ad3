// The directories a server exposes. Each root has a name (its directory's base name, made
// unique) so callers can pick one with `root`; with a single root the argument is optional.
import { basename } from 'node:path';
import { FsError } from './errors.ts';

export interface Root {
  name: string;
  /** Absolute path as configured; resolved with realpath on every use (it may be a symlink or be remounted). */
  path: string;
}

export function nameRoots(paths: readonly string[]): Root[] {
  const used = new Map<string, number>();
  return paths.map((path) => {
    const base = basename(path) || 'root';
    const count = (used.get(base) ?? 0) + 1;
    used.set(base, count);
    return { name: count === 1 ? base : `${base}-${count}`, path };
  });
}

/** Picks a root by name or 0-based index ("0" or 0); required when there are several. */
export function selectRoot(roots: readonly Root[], selector: string | number | undefined): Root {
  const names = roots.map((r, i) => `${i}: "${r.name}"`).join(', ');
  if (selector === undefined || selector === '') {
    const only = roots[0];
    if (roots.length === 1 && only) return only;
    throw new FsError(`several roots are configured; pass root as a name or index (${names}).`, 'unknown_root');
  }
  const byName = roots.find((r) => r.name === selector);
  if (byName) return byName;
  const index = typeof selector === 'number' ? selector : /^\d+$/.test(selector) ? Number(selector) : NaN;
  const byIndex = Number.isInteger(index) ? roots[index] : undefined;
  if (byIndex) return byIndex;
  throw new FsError(`unknown root ${JSON.stringify(selector)}; the roots are ${names}.`, 'unknown_root');
}
