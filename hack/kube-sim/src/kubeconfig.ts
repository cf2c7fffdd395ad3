// A kubeconfig for the simulator: plain HTTP on loopback, which both kubectl and
// @kubernetes/client-node accept without any TLS setting.
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export function kubeconfigYaml(url: string, namespace = 'default', name = 'kube-sim'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: url } }],
    users: [{ name, user: { token: 'kube-sim' } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace } }],
    'current-context': name,
    preferences: {},
  });
}

export async function writeKubeconfig(path: string, url: string, namespace?: string): Promise<string> {
  const yaml = kubeconfigYaml(url, namespace);
  await writeFile(path, yaml, { mode: 0o600 });
  return yaml;
}
