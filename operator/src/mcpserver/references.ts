// The Secrets and ConfigMaps a McpServer's pods read: their versions feed the config hash, and
// a missing one is reported instead of leaving pods stuck in CreateContainerConfigError.
import type { McpServer } from '../api/mcpserver.ts';
import type { ServerRuntime } from './runtime.ts';

export interface Reference {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  /** An optional reference (optional: true) does not block the pods when missing. */
  optional: boolean;
}

export function referenceKey(ref: Pick<Reference, 'kind' | 'name'>): string {
  return `${ref.kind === 'Secret' ? 'secret' : 'configmap'}/${ref.name}`;
}

/** Every Secret/ConfigMap referenced through env, envFrom, config, auth, cache and volumes. */
export function referencedObjects(server: McpServer, runtime: ServerRuntime): Reference[] {
  const refs = new Map<string, Reference>();
  const add = (kind: Reference['kind'], name: string | undefined, optional = false) => {
    if (!name) return;
    const key = referenceKey({ kind, name });
    const existing = refs.get(key);
    refs.set(key, { kind, name, optional: existing ? existing.optional && optional : optional });
  };
  for (const v of [...runtime.env, ...(runtime.proxy?.env ?? [])]) {
    add('Secret', v.valueFrom?.secretKeyRef?.name, v.valueFrom?.secretKeyRef?.optional ?? false);
    add('ConfigMap', v.valueFrom?.configMapKeyRef?.name, v.valueFrom?.configMapKeyRef?.optional ?? false);
  }
  for (const source of server.spec.envFrom ?? []) {
    add('Secret', source.secretRef?.name, source.secretRef?.optional ?? false);
    add('ConfigMap', source.configMapRef?.name, source.configMapRef?.optional ?? false);
  }
  for (const file of runtime.secretFiles) add('Secret', file.secretName);
  for (const volume of server.spec.volumes ?? []) {
    add('Secret', volume.secret?.secretName, volume.secret?.optional ?? false);
    add('ConfigMap', volume.configMap?.name, volume.configMap?.optional ?? false);
  }
  return [...refs.values()].sort((a, b) => referenceKey(a).localeCompare(referenceKey(b)));
}
