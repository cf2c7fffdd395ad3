// In-cluster names and URLs of a McpServer's Service.
import type { McpServer } from '../api/mcpserver.ts';
import type { BuildContext } from './context.ts';

/** Every Host header an in-cluster client may send for the Service (with and without port). */
export function serviceHostNames(server: McpServer, ctx: Pick<BuildContext, 'clusterDomain'>): string[] {
  const name = server.metadata.name!;
  const ns = server.metadata.namespace!;
  const bases = [name, `${name}.${ns}`, `${name}.${ns}.svc`, `${name}.${ns}.svc.${ctx.clusterDomain}`];
  const port = server.spec.expose.service.port;
  const containerPort = server.spec.transport.port;
  return [...bases, ...bases.map((b) => `${b}:${port}`), ...(containerPort !== port ? bases.map((b) => `${b}:${containerPort}`) : [])];
}

/** The in-cluster MCP endpoint URL reported in status.url. */
export function inClusterUrl(server: McpServer, ctx: Pick<BuildContext, 'clusterDomain'>): string {
  const port = server.spec.expose.service.port;
  const host = `${server.metadata.name!}.${server.metadata.namespace!}.svc.${ctx.clusterDomain}`;
  return `http://${host}${port === 80 ? '' : `:${port}`}${server.spec.transport.path}`;
}
