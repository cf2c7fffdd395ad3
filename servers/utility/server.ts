// The utility catalog server: a key-value store (memory or Redis) and time-zone tools.
// createServer wires dependencies only; opening connections happens in open.ts.
import type { CatalogServer } from '../kit/tool.ts';
import type { KvStore } from './lib/store.ts';
import { convertTimeTool } from './tools/convertTime.ts';
import { getTimeTool } from './tools/getTime.ts';
import { kvDeleteTool } from './tools/kvDelete.ts';
import { kvGetTool } from './tools/kvGet.ts';
import { kvListTool } from './tools/kvList.ts';
import { kvSetTool } from './tools/kvSet.ts';

export interface UtilityDeps {
  store: KvStore;
  maxValueBytes: number;
  /** Milliseconds since the epoch; injectable so tests can pin the clock. */
  now?: () => number;
}

export const UTILITY_VERSION = '0.1.0';

export function createServer(deps: UtilityDeps): CatalogServer {
  const now = deps.now ?? Date.now;
  return {
    name: 'utility',
    version: UTILITY_VERSION,
    instructions:
      'Key-value storage (kv_set, kv_get, kv_delete, kv_list) shared by all replicas when backed by Redis, and time tools (get_time, convert_time) using IANA time zone names.',
    tools: [
      kvSetTool({ store: deps.store, maxValueBytes: deps.maxValueBytes }),
      kvGetTool({ store: deps.store }),
      kvDeleteTool({ store: deps.store }),
      kvListTool({ store: deps.store }),
      getTimeTool({ now }),
      convertTimeTool({ now }),
    ],
    checkReady: () => deps.store.checkReady(),
    close: () => deps.store.close(),
  };
}
