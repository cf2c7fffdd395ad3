// Kubernetes Events on a McpServer's condition transitions (what `kubectl describe` shows).
// Only written on a flip, and only by the leader.
import { kubeTime } from './quantity.ts';
import type { KubeClient } from '../kube/client.ts';
import { NotLeaderError } from '../kube/errors.ts';
import type { Condition } from '../api/mcpserver.ts';
import { API_VERSION, KIND } from '../api/constants.ts';

export interface EventTarget {
  name: string;
  namespace: string;
  uid?: string;
  resourceVersion?: string;
}

export interface EventRecorderOptions {
  client: KubeClient;
  component: string;
  instance: string;
  canWrite: () => boolean;
  now?: () => Date;
}

/** Warning when a good condition turns bad (or Degraded turns True); Normal otherwise. */
export function eventType(condition: Condition): 'Normal' | 'Warning' {
  const bad = condition.type === 'Degraded' ? condition.status === 'True' : condition.status === 'False';
  return bad ? 'Warning' : 'Normal';
}

export class EventRecorder {
  private readonly opts: EventRecorderOptions;
  constructor(opts: EventRecorderOptions) {
    this.opts = opts;
  }

  async conditionChanged(target: EventTarget, condition: Condition): Promise<void> {
    await this.record(target, eventType(condition), condition.reason, `${condition.type}=${condition.status}: ${condition.message}`);
  }

  async record(target: EventTarget, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    if (!this.opts.canWrite()) throw new NotLeaderError(`record event ${reason} on ${target.namespace}/${target.name}`);
    const now = kubeTime((this.opts.now ?? (() => new Date()))());
    await this.opts.client.create(`/api/v1/namespaces/${target.namespace}/events`, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${target.name}.`, namespace: target.namespace },
      involvedObject: { apiVersion: API_VERSION, kind: KIND, name: target.name, namespace: target.namespace, ...(target.uid ? { uid: target.uid } : {}), ...(target.resourceVersion ? { resourceVersion: target.resourceVersion } : {}) },
      type,
      reason,
      message: message.slice(0, 1024),
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: this.opts.component },
      reportingComponent: this.opts.component,
      reportingInstance: this.opts.instance,
    } as never);
  }
}
