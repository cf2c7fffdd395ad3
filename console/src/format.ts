// Small display helpers shared by the pages.
export function readyLabel(ready: string): string {
  return ready === 'True' ? 'Ready' : ready === 'False' ? 'Not ready' : 'Unknown';
}

export function readyClass(ready: string): string {
  return ready === 'True' ? 'badge ok' : ready === 'False' ? 'badge bad' : 'badge unknown';
}

export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function serverHash(namespace: string, name: string): string {
  return `#/servers/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}
