// McpServer objects in the states GitOps tools must tell apart, with statuses made by the
// operator's own status builder (computeStatus) from the observations the reconciler would make:
// the health check is tested on what the operator really writes, not on hand-written YAML.
import type { V1Deployment } from '@kubernetes/client-node';
import { API_VERSION, KIND } from '../../operator/src/api/constants.ts';
import type { McpServerStatus } from '../../operator/src/api/mcpserver.ts';
import { computeStatus } from '../../operator/src/mcpserver/status.ts';
import type { StatusObservation } from '../../operator/src/mcpserver/status.ts';
import type { VerificationResult } from '../../operator/src/mcpserver/verification.ts';

const T0 = '2026-11-22T00:00:00Z';
const T1 = '2026-11-22T00:05:00Z';

export interface HealthFixture {
  name: string;
  object: Record<string, unknown>;
}

/** `running`: pods that still exist (more than `replicas` while a scale-down is under way). */
function deployment(replicas: number, ready: number, extra: { stalled?: boolean; running?: number } = {}): V1Deployment {
  const conditions = [{ type: 'Available', status: ready > 0 ? 'True' : 'False' }];
  if (extra.stalled === true) conditions.push({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "utility-5d8f" has timed out progressing.' } as never);
  const running = extra.running ?? replicas;
  return {
    metadata: { generation: 1 },
    spec: { replicas, selector: {}, template: {} },
    status: { observedGeneration: 1, replicas: running, updatedReplicas: running, readyReplicas: ready, availableReplicas: ready, conditions },
  } as V1Deployment;
}

/** What the operator adds for spec.autoscaling.keda once the ScaledObject is in place. */
const kedaIdle = { type: 'AutoscalingReady', status: 'True', reason: 'ScaledObjectConfigured', message: 'KEDA scales 0-5 replicas on aws-sqs-queue' } as const;

const verified: VerificationResult = {
  ok: true,
  generation: 1,
  at: T0,
  endpoint: 'http://utility.default.svc:8080/mcp',
  server: { name: 'utility', version: '0.1.0', protocolVersion: '2026-07-28' },
  tools: [{ name: 'kv_get' }, { name: 'get_time' }],
  toolCount: 2,
};
const verifyFailed: VerificationResult = { ok: false, generation: 1, at: T1, error: 'initialize failed: HTTP 502', endpoint: 'http://utility.default.svc:8080/mcp', failures: 3 };

const observed = (extra: Partial<StatusObservation>): StatusObservation => ({ generation: 1, missingReferences: [], url: 'http://utility.default.svc:8080/mcp', selector: 'app.kubernetes.io/instance=utility', ...extra });

function mcpServer(name: string, status: McpServerStatus, generation = 1, spec: Record<string, unknown> = { catalog: 'utility' }): HealthFixture {
  // Through JSON, as the API server would serve it (no undefined fields).
  const object = JSON.parse(JSON.stringify({ apiVersion: API_VERSION, kind: KIND, metadata: { name: 'utility', namespace: 'default', generation, uid: '0d4e7c4e-0000-4000-8000-000000000001' }, spec, status })) as Record<string, unknown>;
  return { name, object };
}

/** One McpServer per state, each status computed by the operator's status builder. */
export function healthFixtures(): HealthFixture[] {
  const rollingOut = computeStatus(undefined, observed({ deployment: deployment(1, 0) }), T0);
  const verifying = computeStatus(rollingOut, observed({ deployment: deployment(1, 1) }), T0);
  const ready = computeStatus(verifying, observed({ deployment: deployment(1, 1), verification: verified }), T1);
  return [
    mcpServer('ready', ready),
    mcpServer('rolling-out', rollingOut),
    mcpServer('verifying', verifying),
    mcpServer('new-generation-not-observed', ready, 2),
    mcpServer('scaled-to-zero', computeStatus(ready, observed({ deployment: deployment(0, 0) }), T1), 1, { catalog: 'utility', replicas: 0 }),
    mcpServer('scaled-to-zero-by-autoscaler', computeStatus(ready, observed({ deployment: deployment(0, 0), extraConditions: [kedaIdle] }), T1), 1, { catalog: 'utility', autoscaling: { keda: { minReplicas: 0, maxReplicas: 5 } } }),
    mcpServer('scaling-down-to-zero', computeStatus(ready, observed({ deployment: deployment(0, 1, { running: 1 }) }), T1), 1, { catalog: 'utility', replicas: 0 }),
    mcpServer('replicas-starting', computeStatus(ready, observed({ deployment: deployment(2, 1), verification: verified }), T1), 1, { catalog: 'utility', replicas: 2 }),
    mcpServer('missing-secret', computeStatus(undefined, observed({ deployment: deployment(1, 0), missingReferences: ['Secret default/weather-api'] }), T0)),
    mcpServer('scaled-to-zero-missing-secret', computeStatus(undefined, observed({ deployment: deployment(0, 0), missingReferences: ['Secret default/weather-api'] }), T0)),
    mcpServer('invalid-spec', computeStatus(ready, observed({ invalid: { reason: 'InvalidSpec', message: 'spec.replicas: must be at most 50' } }), T1)),
    mcpServer('rollout-stalled', computeStatus(undefined, observed({ deployment: deployment(1, 0, { stalled: true }) }), T0)),
    mcpServer('mcp-verification-failed', computeStatus(ready, observed({ deployment: deployment(1, 1), verification: verifyFailed }), T1)),
  ];
}
