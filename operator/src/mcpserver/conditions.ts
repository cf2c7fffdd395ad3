// metav1.Condition bookkeeping: lastTransitionTime moves only when a condition's status flips,
// so rewriting the same state is a no-op (and a steady-state resync writes nothing).
import type { Condition } from '../api/mcpserver.ts';

export type ConditionStatus = Condition['status'];

export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/** Returns the new condition list; the input is not modified. Order follows `order`, then the rest. */
export function setConditions(previous: readonly Condition[] | undefined, inputs: readonly ConditionInput[], generation: number, now: string): Condition[] {
  const byType = new Map((previous ?? []).map((c) => [c.type, c]));
  for (const input of inputs) {
    const old = byType.get(input.type);
    byType.set(input.type, {
      type: input.type,
      status: input.status,
      reason: input.reason,
      message: input.message,
      lastTransitionTime: old && old.status === input.status ? old.lastTransitionTime : now,
      observedGeneration: generation,
    });
  }
  const order = inputs.map((i) => i.type);
  return [...byType.values()].sort((a, b) => rank(order, a.type) - rank(order, b.type) || a.type.localeCompare(b.type));
}

function rank(order: string[], type: string): number {
  const i = order.indexOf(type);
  return i === -1 ? order.length : i;
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * The Events to emit: conditions whose status flipped. A condition seen for the first time is
 * reported only when it is bad news (so a new object does not produce five "Unknown" events).
 */
export function flippedConditions(before: readonly Condition[] | undefined, after: readonly Condition[]): Condition[] {
  return after.filter((c) => {
    // Reconciling/Stalled restate the conditions above for kstatus; their flips are not news.
    if (c.type === 'Reconciling' || c.type === 'Stalled') return false;
    const old = findCondition(before, c.type);
    if (old) return old.status !== c.status;
    return c.type === 'Degraded' ? c.status === 'True' : c.status === 'False' && c.type === 'Accepted';
  });
}
