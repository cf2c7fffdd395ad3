// Entry point of the query process: node:sqlite is synchronous, so a runaway statement (say an
// unbounded recursive CTE inside count(*)) would freeze the server's event loop, health probes
// included, and neither AbortSignal nor Worker.terminate() can interrupt a native SQLite step.
// Running statements in this child process lets the server SIGKILL it on cancel, timeout or when
// it grows past its memory cap; the server runs several, one statement each (queryHost.ts).
import { DatabaseError } from './errors.ts';
import { createOperations, type Operation, type OperationSettings } from './operations.ts';

export interface OperationRequest {
  id: number;
  operation: Operation;
}

export type OperationReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { message: string; code: string } };

const settings = JSON.parse(process.argv[2] ?? '{}') as OperationSettings;
const operations = createOperations(settings);

process.on('message', (message: OperationRequest) => {
  let reply: OperationReply;
  try {
    reply = { id: message.id, ok: true, result: operations.run(message.operation) };
  } catch (error) {
    const known = error instanceof DatabaseError;
    reply = {
      id: message.id,
      ok: false,
      error: {
        message: known ? error.message : `unexpected database failure: ${error instanceof Error ? error.message : String(error)}`,
        code: known ? error.code : 'sqlite_error',
      },
    };
  }
  process.send?.(reply);
});

// The server went away (crash, SIGKILL, close): nothing left to serve.
process.on('disconnect', () => {
  operations.close();
  process.exit(0);
});
