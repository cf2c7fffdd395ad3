// The fleet page's view of one McpServer: pure, from the object alone.
import type { McpServer } from '../api/mcpserver.ts';
import { CONDITION_TYPES } from '../api/constants.ts';
import type { FleetRow } from './api-types.ts';

/** Conditions checked for the blocker, most fundamental first: the first failing one explains Ready. */
const BLOCKER_ORDER = [CONDITION_TYPES.accepted, CONDITION_TYPES.available, CONDITION_TYPES.verified];

export function serverKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function fleetRow(server: McpServer): FleetRow {
  const namespace = server.metadata.namespace ?? 'default';
  const name = server.metadata.name ?? '';
  const status = server.status;
  const conditions = status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === CONDITION_TYPES.ready);
  const row: FleetRow = {
    key: serverKey(namespace, name),
    namespace,
    name,
    ready: ready?.status ?? 'Unknown',
    replicas: status?.replicas ?? 0,
    readyReplicas: status?.readyReplicas ?? 0,
  };
  // Objects come from the API as stored: a hand-made one may lack a spec.
  const spec = (server.spec ?? {}) as Partial<McpServer['spec']>;
  if (spec.catalog) row.catalog = spec.catalog;
  if (spec.image) row.image = spec.image;
  if (status?.toolCount !== undefined) row.toolCount = status.toolCount;
  if (status?.url) row.url = status.url;
  if (status?.externalUrl) row.externalUrl = status.externalUrl;
  const meta = server.metadata as { creationTimestamp?: string };
  if (meta.creationTimestamp) row.createdAt = meta.creationTimestamp;
  if (server.metadata.generation !== undefined) row.generation = server.metadata.generation;
  if (status?.observedGeneration !== undefined) row.observedGeneration = status.observedGeneration;
  if (row.ready !== 'True') {
    const failing = BLOCKER_ORDER.map((type) => conditions.find((c) => c.type === type)).find((c) => c !== undefined && c.status !== 'True');
    const blocker = failing ?? ready;
    if (blocker) row.blocker = { condition: blocker.type, reason: blocker.reason, message: blocker.message };
    else row.blocker = { condition: CONDITION_TYPES.ready, reason: 'NotReconciled', message: 'the operator has not reported a status yet' };
  }
  return row;
}
