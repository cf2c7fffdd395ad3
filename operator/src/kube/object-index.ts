// A secondary index over an informer's cache (client-go's Indexer): for each object, the values
// it is filed under (e.g. its controller owner's uid), so "the children of this McpServer" is a
// lookup instead of a scan of every cached object of the kind — a scan per kind per reconcile
// grows as N² over a fleet of N McpServers.

export type IndexFunc<T> = (obj: T) => readonly string[];

export class ObjectIndex<T> {
  private readonly byValue = new Map<string, Map<string, T>>();
  private readonly valuesOf = new Map<string, readonly string[]>();
  private readonly indexFunc: IndexFunc<T>;

  constructor(indexFunc: IndexFunc<T>) {
    this.indexFunc = indexFunc;
  }

  /** Files (or re-files) the object stored under `key`. */
  set(key: string, obj: T): void {
    this.delete(key);
    const values = [...new Set(this.indexFunc(obj))];
    this.valuesOf.set(key, values);
    for (const value of values) {
      let bucket = this.byValue.get(value);
      if (!bucket) this.byValue.set(value, (bucket = new Map()));
      bucket.set(key, obj);
    }
  }

  delete(key: string): void {
    for (const value of this.valuesOf.get(key) ?? []) {
      const bucket = this.byValue.get(value);
      bucket?.delete(key);
      if (bucket?.size === 0) this.byValue.delete(value);
    }
    this.valuesOf.delete(key);
  }

  clear(): void {
    this.byValue.clear();
    this.valuesOf.clear();
  }

  /** Every object filed under `value` (a fresh array). */
  get(value: string): T[] {
    return [...(this.byValue.get(value)?.values() ?? [])];
  }
}
