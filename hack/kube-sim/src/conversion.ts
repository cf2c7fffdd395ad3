// Conversions kube-apiserver applies to built-in kinds on every write, before storing them.
import type { KubeObject } from './types.ts';
import { isPlainObject } from './object-util.ts';

/**
 * A v1 Secret's write-only stringData merged into data (base64), stringData itself never stored
 * or returned — as the v1 → internal conversion does; a stringData key wins over the same data key.
 */
export function mergeSecretStringData(obj: KubeObject): KubeObject {
  const o = obj as KubeObject & { data?: Record<string, string>; stringData?: unknown };
  if (o.stringData === undefined) return obj;
  const { stringData, ...rest } = o;
  if (!isPlainObject(stringData)) return rest as KubeObject;
  const data: Record<string, string> = { ...(isPlainObject(o.data) ? o.data : {}) };
  for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value), 'utf8').toString('base64');
  return { ...rest, data } as KubeObject;
}

/** Secret defaulting: type Opaque when none is given (SetDefaults_Secret). */
export function defaultSecretType(obj: KubeObject): KubeObject {
  const o = obj as KubeObject & { type?: unknown };
  return o.type === undefined || o.type === '' ? ({ ...o, type: 'Opaque' } as KubeObject) : obj;
}
