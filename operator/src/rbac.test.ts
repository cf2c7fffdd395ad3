import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { OWNED_KINDS } from './mcpserver/children.ts';
import { allows, OWNED_KIND_VERBS, operatorRbacRules } from './rbac.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('operator RBAC rules', () => {
  const rules = operatorRbacRules();

  it('cover every verb the reconciler uses on every owned kind (informer, apply, prune)', () => {
    for (const kind of OWNED_KINDS) {
      const group = kind.apiVersion.includes('/') ? kind.apiVersion.split('/')[0]! : '';
      const plural = kind.path.split('/').pop()!;
      for (const verb of OWNED_KIND_VERBS) assert.ok(allows(rules, group, plural, verb), `${verb} ${plural}.${group}`);
    }
  });

  it('cover the reads and writes outside the owned kinds, and nothing broader', () => {
    const needed: [string, string, string][] = [
      ['mcpfleet.dev', 'mcpservers', 'watch'],
      ['mcpfleet.dev', 'mcpservers/status', 'patch'],
      ['', 'secrets', 'get'],
      ['', 'secrets', 'watch'],
      ['', 'configmaps', 'get'],
      ['', 'configmaps', 'watch'],
      ['authentication.k8s.io', 'tokenreviews', 'create'],
      ['authorization.k8s.io', 'subjectaccessreviews', 'create'],
      ['', 'events', 'create'],
      ['coordination.k8s.io', 'leases', 'update'],
    ];
    for (const [group, resource, verb] of needed) assert.ok(allows(rules, group, resource, verb), `${verb} ${resource}.${group}`);
    // Least privilege: no wildcards, no writes of Secrets, no deletes of McpServers. Secrets are
    // listed and watched as PartialObjectMetadata (RBAC cannot narrow a list to metadata).
    for (const rule of rules) {
      assert.ok(!rule.verbs.includes('*') && !rule.resources.includes('*') && !rule.apiGroups.includes('*'), JSON.stringify(rule));
    }
    for (const verb of ['create', 'update', 'patch', 'delete']) assert.equal(allows(rules, '', 'secrets', verb), false, `${verb} secrets`);
    assert.equal(allows(rules, 'mcpfleet.dev', 'mcpservers', 'delete'), false);
    assert.equal(allows(rules, 'apps', 'deployments', 'update'), false);
  });

  it('are what charts/mcpfleet/generated/rbac-rules.yaml holds (npm run gen)', () => {
    const generated = parse(readFileSync(path.join(REPO, 'charts/mcpfleet/generated/rbac-rules.yaml'), 'utf8')) as unknown;
    assert.deepEqual(generated, rules);
  });
});
