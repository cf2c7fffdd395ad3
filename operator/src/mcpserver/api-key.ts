// The API key the operator's own clients (the MCP verifier and the console) present to an
// API-key protected McpServer: the first key of its spec.auth.apiKeySecretRef Secret. Read
// server-side on every use (a rotated key is picked up at once) and only ever sent to that server.
import type { V1Secret } from '@kubernetes/client-node';
import type { McpServer } from '../api/mcpserver.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/types.ts';

/** The first key of a Secret value holding one key per line ('#' lines are comments). */
export function firstApiKey(secret: Pick<V1Secret, 'data'>, key: string): string | undefined {
  const encoded = secret.data?.[key];
  return encoded === undefined
    ? undefined
    : Buffer.from(encoded, 'base64')
        .toString('utf8')
        .split('\n')
        .map((line) => line.trim())
        .find((line) => line !== '' && !line.startsWith('#'));
}

/** `x-api-key` for a server with spec.auth.apiKeySecretRef, none without; throws when the key cannot be read. */
export async function apiKeyHeaders(client: Pick<KubeClient, 'get'>, server: McpServer): Promise<Record<string, string>> {
  const ref = server.spec.auth?.apiKeySecretRef;
  if (!ref) return {};
  const namespace = server.metadata.namespace ?? 'default';
  const secret = await client.get<KubeObject & Pick<V1Secret, 'data'>>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(ref.name)}`);
  if (!secret) throw new Error(`Secret ${namespace}/${ref.name} (spec.auth.apiKeySecretRef) does not exist`);
  const apiKey = firstApiKey(secret, ref.key);
  if (!apiKey) throw new Error(`Secret ${namespace}/${ref.name} has no API key under ${ref.key}`);
  return { 'x-api-key': apiKey };
}
