// The configuration hash on the pod template: a change in anything that shapes the pods (the
// rendered template itself, or the version of a Secret/ConfigMap it references) changes the
// hash and so rolls the Deployment; nothing else does.
import { createHash } from 'node:crypto';

/** JSON with sorted keys, so equal objects hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function configHash(podTemplate: unknown, referencedVersions: Record<string, string>): string {
  return createHash('sha256').update(canonicalJson({ podTemplate, referencedVersions })).digest('hex').slice(0, 16);
}
