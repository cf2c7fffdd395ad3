// A kubeconfig for the local control plane: HTTPS with the API server's own CA, bearer token.
import { stringify } from 'yaml';

export function clusterKubeconfig(opts: { server: string; caPem: string; token: string; user?: string; namespace?: string; name?: string }): string {
  const name = opts.name ?? 'mcpfleet-cluster';
  const user = opts.user ?? 'admin';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: opts.server, 'certificate-authority-data': Buffer.from(opts.caPem).toString('base64') } }],
    users: [{ name: user, user: { token: opts.token } }],
    contexts: [{ name, context: { cluster: name, user, namespace: opts.namespace ?? 'default' } }],
    'current-context': name,
    preferences: {},
  });
}
