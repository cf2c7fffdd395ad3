// The Service in front of the server pods.
import type { V1Service } from '@kubernetes/client-node';
import type { McpServer } from '../api/mcpserver.ts';
import { childMetadata, selectorLabels } from './labels.ts';

export const MCP_PORT_NAME = 'mcp';

export function buildService(server: McpServer): V1Service {
  const service = server.spec.expose.service;
  const meta = childMetadata(server);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { ...meta, ...(service.annotations ? { annotations: service.annotations } : {}) },
    spec: {
      type: service.type,
      selector: selectorLabels(server),
      ports: [{ name: MCP_PORT_NAME, port: service.port, targetPort: MCP_PORT_NAME, protocol: 'TCP', appProtocol: 'http' }],
    },
  };
}
