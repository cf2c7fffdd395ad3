// ConfigMap volumes for the local pod runners (the demo's and the operator tests'): each volume's
// keys become files in a directory, then follow the ConfigMap while the pod runs, every file
// replaced by a rename the way the kubelet swaps a projected volume in place. A missing
// ConfigMap leaves the directory empty (what an optional volume gives a real pod).
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface ConfigMapVolume {
  /** The directory standing in for the mount. */
  dir: string;
  configMap: string;
}

export interface ConfigMapProjection {
  stop(): void;
}

export async function projectConfigMaps(volumes: readonly ConfigMapVolume[], read: (name: string) => Promise<Record<string, string> | undefined>, intervalMs = 500): Promise<ConfigMapProjection> {
  const written = new Map<string, string>();
  const project = async () => {
    for (const volume of volumes) {
      const data = (await read(volume.configMap).catch(() => undefined)) ?? {};
      for (const [key, value] of Object.entries(data)) {
        const file = path.join(volume.dir, key);
        if (written.get(file) === value) continue;
        await writeFile(`${file}.tmp`, value);
        await rename(`${file}.tmp`, file);
        written.set(file, value);
      }
    }
  };
  await project();
  if (volumes.length === 0) return { stop: () => undefined };
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void project()
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, intervalMs);
  return { stop: () => clearInterval(timer) };
}
