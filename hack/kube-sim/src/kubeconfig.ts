// A kubeconfig for the simulator: plain HTTP on loopback. kubectl accepts it as is;
// @kubernetes/client-node 2.x refuses an http:// server unless the cluster entry sets
// insecure-skip-tls-verify (there is no TLS to verify on plain HTTP, so the flag changes nothing
// else, and it is scoped to this one cluster entry, not set globally).
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export function kubeconfigYaml(url: string, namespace = 'default', name = 'kube-sim'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
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
