// Runs a tickets tool so that every failure is a structured tool error of the taxonomy: the
// error text is {"error": CATEGORY, "message": ..., "details": {...}}. Unexpected errors are
// logged with their stack and reported as INTERNAL_ERROR with the request id, never their text.
import type { Logger } from '../../kit/logger.ts';
import type { ToolContext } from '../../kit/tool.ts';
import { ToolError } from '../../kit/tool.ts';
import { TicketsError } from '../lib/errors.ts';

export function taxonomyError(error: TicketsError): ToolError {
  return new ToolError(JSON.stringify(error.toJSON()), error.category.toLowerCase());
}

export async function withTaxonomy<T>(logger: Logger, tool: string, context: ToolContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TicketsError) throw taxonomyError(error);
    logger.error('unexpected tickets failure', { tool, requestId: context.requestId, error: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) });
    throw taxonomyError(new TicketsError('INTERNAL_ERROR', `Unexpected error in ${tool}; it was logged with request id ${context.requestId}.`, { request_id: context.requestId }));
  }
}
