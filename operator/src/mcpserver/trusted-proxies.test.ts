import assert from 'node:assert/strict';
import { validateMcpServer } from '../api/validation.ts';
import type { McpServer } from '../api/mcpserver.ts';
import type { BuildContext } from './context.ts';
import { resolveRuntime } from './runtime.ts';

const ctx: BuildContext = { serversImage: { repository: 'ghcr.io/mcpfleet/servers', tag: '0.1.0' }, clusterDomain: 'cluster.local', referencedVersions: {} };
const manifest = (spec: Record<string, unknown>) => ({ apiVersion: 'mcpfleet.dev/v1alpha1', kind: 'McpServer', metadata: { name: 'wx', namespace: 'team-a', uid: 'uid-1', generation: 1 }, spec: { catalog: 'utility', ...spec } });

function server(spec: Record<string, unknown>): McpServer {
  const result = validateMcpServer(manifest(spec));
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
}
const trusted = (spec: Record<string, unknown>) => resolveRuntime(server(spec), ctx).env.find((e) => e.name === 'TRUSTED_PROXY_CIDRS')?.value;

describe('McpServer trusted proxies (TRUSTED_PROXY_CIDRS)', () => {
  it('trusts the ALB\'s VPC ranges by default, and nothing for a Service only or an ingress class without address ranges', () => {
    assert.equal(trusted({ expose: { ingress: { className: 'alb', host: 'wx.example.com' } } }), '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16');
    assert.equal(trusted({}), undefined);
    assert.equal(trusted({ expose: { ingress: { className: 'nginx', host: 'wx.example.com' } } }), undefined);
  });

  it('takes the spec\'s list, or the ipBlock peers the ingress controller connects from; [] trusts none', () => {
    assert.equal(trusted({ expose: { ingress: { className: 'nginx', trustedProxies: ['10.244.0.0/16', 'fd00:10:244::/56'] } } }), '10.244.0.0/16,fd00:10:244::/56');
    assert.equal(trusted({ expose: { ingress: { className: 'alb', trustedProxies: [] } } }), undefined);
    const from = [{ ipBlock: { cidr: '100.64.0.0/10' } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }, { namespaceSelector: {} }];
    assert.equal(trusted({ expose: { ingress: { className: 'traefik' } }, networkPolicy: { ingressControllerFrom: from } }), '100.64.0.0/10');
  });

  it('refuses entries the kit could not read, and spec.env setting the variable', () => {
    for (const bad of ['999.1.1.1', '10.0.0.0/33', 'fd00::/200', 'ingress-nginx', '10.0.0.0/8,10.1.0.0/16', '']) {
      const result = validateMcpServer(manifest({ expose: { ingress: { className: 'nginx', trustedProxies: [bad] } } }));
      assert.equal(result.ok, false, bad);
      if (!result.ok) assert.match(result.problems.join('\n'), /trustedProxies\[0\]: must be an IP address or CIDR range/, bad);
    }
    const overridden = validateMcpServer(manifest({ env: [{ name: 'TRUSTED_PROXY_CIDRS', value: '0.0.0.0/0' }] }));
    assert.equal(overridden.ok, false);
    if (!overridden.ok) assert.match(overridden.problems.join('\n'), /TRUSTED_PROXY_CIDRS is set by spec.expose.ingress.trustedProxies/);
  });
});
