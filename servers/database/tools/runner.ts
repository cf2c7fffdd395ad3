// What the database tools need from the server: run one operation, honouring the call's signal.
import type { Operation } from '../lib/operations.ts';

export type RunOperation = (operation: Operation, signal: AbortSignal) => Promise<unknown>;
