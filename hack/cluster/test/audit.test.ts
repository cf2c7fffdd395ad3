// Audit-log accounting: the records kube-sim's Accounting keeps, read from kube-apiserver's
// audit events, and the least-privilege check of one client's identity.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditAccounting, recordOfAuditEvent } from '../src/audit.ts';

const SA = 'system:serviceaccount:mcpfleet-system:mcpfleet';
const event = (over: Record<string, unknown>) => ({
  stage: 'ResponseComplete',
  verb: 'patch',
  requestURI: '/apis/apps/v1/namespaces/team-a/deployments/kv?fieldManager=mcpfleet&force=true',
  userAgent: 'mcpfleet-operator/first',
  user: { username: SA },
  objectRef: { resource: 'deployments', apiGroup: 'apps', namespace: 'team-a' },
  responseStatus: { code: 200 },
  ...over,
});

describe('audit-log accounting', () => {
  let dir: string;
  let log: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'audit-test-'));
    log = path.join(dir, 'audit.log');
    writeFileSync(log, '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('maps an event to the record kube-sim would keep, counting watches when they start', () => {
    assert.deepEqual(recordOfAuditEvent(event({})), { userAgent: 'mcpfleet-operator/first', username: SA, verb: 'patch', resource: 'deployments.apps', namespace: 'team-a', code: 200, fieldManager: 'mcpfleet' });
    assert.equal(recordOfAuditEvent(event({ verb: 'watch' })), undefined, 'a watch counts at ResponseStarted, not again at the end');
    assert.equal(recordOfAuditEvent(event({ verb: 'watch', stage: 'ResponseStarted' }))?.verb, 'watch');
    assert.equal(recordOfAuditEvent(event({ objectRef: undefined, requestURI: '/version' }))?.resource, '/version');
  });

  it('reads what the server appends, across partial lines and multi-byte characters, and resets', () => {
    const audit = new AuditAccounting(log);
    const line = JSON.stringify(event({ objectRef: { resource: 'configmaps', apiGroup: '', namespace: 'ü-ns' } }));
    const bytes = Buffer.from(`${line}\n`);
    const cut = bytes.indexOf(Buffer.from('ü')) + 1; // inside the two-byte character
    appendFileSync(log, bytes.subarray(0, cut));
    assert.equal(audit.count(), 0);
    appendFileSync(log, bytes.subarray(cut));
    assert.equal(audit.count({ resource: 'configmaps', namespace: 'ü-ns' }), 1);
    audit.reset();
    assert.equal(audit.count(), 0);
    appendFileSync(log, `${JSON.stringify(event({}))}\n`);
    assert.equal(audit.count({ userAgent: 'mcpfleet-operator', verb: 'patch' }), 1);
  });

  it('records refusals and requests made as another user for the expected client, and nothing for others', () => {
    const audit = new AuditAccounting(log, { userAgent: 'mcpfleet-operator', username: SA });
    appendFileSync(log, [event({}), event({ responseStatus: { code: 403 }, verb: 'create', objectRef: { resource: 'events', apiGroup: '', namespace: 'team-a' } }), event({ user: { username: 'admin' } }), event({ userAgent: 'kubectl/v1.33', user: { username: 'admin' }, responseStatus: { code: 403 } })].map((e) => JSON.stringify(e)).join('\n') + '\n');
    assert.deepEqual(audit.violations(), ['create events in "team-a" refused with 403', `patch deployments.apps as admin, not ${SA}`]);
    audit.reset();
    assert.equal(audit.violations().length, 2, 'violations survive a reset');
  });

  it('excuses refusals received while the API server was restarting, and nothing else', () => {
    const restarting = { from: Date.parse('2026-01-01T10:00:00Z'), to: Date.parse('2026-01-01T10:00:20Z') };
    const audit = new AuditAccounting(log, { userAgent: 'mcpfleet-operator', username: SA, excusedRefusalAt: (at) => at >= restarting.from && at <= restarting.to });
    const during = '2026-01-01T10:00:10.000000Z';
    const after = '2026-01-01T10:00:21.000000Z';
    appendFileSync(log, [
      event({ requestReceivedTimestamp: during, responseStatus: { code: 403 } }),
      event({ requestReceivedTimestamp: during, responseStatus: { code: 401 }, user: { username: 'system:anonymous' } }),
      event({ requestReceivedTimestamp: during, user: { username: 'admin' } }),
      event({ requestReceivedTimestamp: after, responseStatus: { code: 403 } }),
    ].map((e) => JSON.stringify(e)).join('\n') + '\n');
    assert.deepEqual(audit.violations(), [`patch deployments.apps as admin, not ${SA}`, 'patch deployments.apps in "team-a" refused with 403']);
  });
});
