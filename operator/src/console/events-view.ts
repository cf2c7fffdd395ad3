// Kubernetes Events about one McpServer, newest first: pure, from core/v1 Event objects.
import type { KubeObject } from '../kube/types.ts';
import type { EventView } from './api-types.ts';

interface CoreEvent extends KubeObject {
  involvedObject?: { kind?: string; name?: string; uid?: string };
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  source?: { component?: string };
  reportingComponent?: string;
}

/** Most events shown on a server page. */
export const MAX_EVENTS = 50;

export function eventsFor(events: readonly KubeObject[], target: { kind: string; name: string; uid?: string }): EventView[] {
  return (events as CoreEvent[])
    .filter((e) => e.involvedObject?.kind === target.kind && e.involvedObject.name === target.name && (!target.uid || !e.involvedObject.uid || e.involvedObject.uid === target.uid))
    .map((e) => ({
      type: e.type ?? 'Normal',
      reason: e.reason ?? '',
      message: e.message ?? '',
      count: e.count ?? 1,
      lastSeen: e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '',
      source: e.source?.component ?? e.reportingComponent ?? '',
    }))
    .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen))
    .slice(0, MAX_EVENTS);
}
