// Which McpServers reference which Secrets and ConfigMaps. The reconciler records each
// server's references; a change to a watched Secret/ConfigMap (a metadata-only watch) is then
// mapped to the servers that need it, so a Secret created after its McpServer is acted on
// within seconds instead of at the next resync.
import { referenceKey, type Reference } from './references.ts';

export class ReferenceIndex {
  /** "namespace/secret/name" → McpServer keys. */
  private readonly owners = new Map<string, Set<string>>();
  /** McpServer key → the reference keys it was recorded with. */
  private readonly byServer = new Map<string, string[]>();

  /** Replaces what `serverKey` ("namespace/name") references. */
  track(serverKey: string, namespace: string, refs: readonly Reference[]): void {
    this.forget(serverKey);
    const keys = refs.map((ref) => `${namespace}/${referenceKey(ref)}`);
    for (const key of keys) {
      let set = this.owners.get(key);
      if (!set) this.owners.set(key, (set = new Set()));
      set.add(serverKey);
    }
    if (keys.length > 0) this.byServer.set(serverKey, keys);
  }

  forget(serverKey: string): void {
    for (const key of this.byServer.get(serverKey) ?? []) {
      const set = this.owners.get(key);
      set?.delete(serverKey);
      if (set?.size === 0) this.owners.delete(key);
    }
    this.byServer.delete(serverKey);
  }

  /** The McpServers that reference this Secret or ConfigMap. */
  ownersOf(namespace: string, kind: Reference['kind'], name: string): string[] {
    return [...(this.owners.get(`${namespace}/${referenceKey({ kind, name })}`) ?? [])];
  }
}
