// SQLite values as JSON: integers beyond 2^53 become strings (exact), BLOBs become base64.

export type JsonCell = string | number | null | { blobBase64: string; bytes: number };

export function toJsonCell(value: unknown): JsonCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (value instanceof Uint8Array) return { blobBase64: Buffer.from(value).toString('base64'), bytes: value.byteLength };
  return String(value);
}

/** Column names made unique ("id", "id_2") so joined rows keep every value as an object key. */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name}_${count}`;
  });
}
