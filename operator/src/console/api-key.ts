// The request headers that authenticate the console to an API-key protected server. The key is
// read from the Secret server-side on every use and only ever sent to that server.
import type { V1Secret } from '@kubernetes/client-node';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/types.ts';
import type { McpServer } from '../api/mcpserver.ts';

/** The first key of a Secret value holding one key per line ('#' lines are comments). */
export function firstApiKey(secret: Pick<V1Secret, 'data' | 'stringData'>, key: string): string | undefined {
  const encoded = secret.data?.[key];
  const text = encoded !== undefined ? Buffer.from(encoded, 'base64').toString('utf8') : secret.stringData?.[key];
  return text
    ?.split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('#'));
}

export async function serverAuthHeaders(client: KubeClient, server: McpServer): Promise<Record<string, string>> {
  const ref = server.spec.auth?.apiKeySecretRef;
  if (!ref) return {};
  const namespace = server.metadata.namespace ?? 'default';
  const secret = await client.get<KubeObject & Pick<V1Secret, 'data' | 'stringData'>>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(ref.name)}`);
  if (!secret) throw new Error(`Secret ${namespace}/${ref.name} (spec.auth.apiKeySecretRef) does not exist`);
  const apiKey = firstApiKey(secret, ref.key);
  if (!apiKey) throw new Error(`Secret ${namespace}/${ref.name} has no API key under ${ref.key}`);
  return { 'x-api-key': apiKey };
}
