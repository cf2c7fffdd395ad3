// Runs one catalog tool for the SDK: result cache (read-only tools only), per-call timeout,
// output validation, structuredContent plus a text block, failures turned into MCP tool errors,
// and the metrics and logs for every call.
import { randomUUID } from 'node:crypto';
import type { ResultCache } from './cache.ts';
import { cacheKey } from './cache.ts';
import type { Logger } from './logger.ts';
import { throttledLog } from './logThrottle.ts';
import type { KitMetrics, ToolOutcome } from './metrics.ts';
import { RedisUnavailableError } from './redis.ts';
import { currentRequestScope } from './requestScope.ts';
import type { ToolCallTrace } from './tracing/exchange.ts';
import { traceToolCall } from './tracing/exchange.ts';
import { errorTypeOf } from './tracing/spans.ts';
import type { ToolDefinition } from './tool.ts';
import { successResult, type ToolCallResult } from './toolResult.ts';
import { ToolError } from './tool.ts';

export type { ToolCallResult };

export interface ToolRunnerDeps {
  serverName: string;
  metrics: KitMetrics;
  logger: Logger;
  toolTimeoutMs: number;
  cache: ResultCache | undefined;
  cacheTtlSeconds: number;
  /** Aborted when a drain runs out of time: in-flight handlers are told to give up. */
  shutdownSignal: AbortSignal;
}

export function toolErrorResult(message: string): ToolCallResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}


class ToolTimeoutError extends Error {}

/** Rejects when `signal` aborts, so a handler that ignores its signal cannot hold a call forever. */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ToolTimeoutError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ToolTimeoutError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

type SdkToolContext = { mcpReq?: { signal?: AbortSignal; _meta?: unknown } } | undefined;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tools have heterogeneous schemas
export function createToolRunner(tool: ToolDefinition<any, any>, deps: ToolRunnerDeps) {
  // Only read-only tools are ever cached; `cacheable: false` lets time-varying ones opt out.
  const cacheable = deps.cache !== undefined && deps.cacheTtlSeconds > 0 && tool.annotations.readOnlyHint && tool.cacheable !== false;
  const { metrics, logger } = deps;
  // winston runs its formats even for filtered levels; skip the per-call debug line entirely.
  const debugEnabled = logger.isLevelEnabled('debug');
  // During a Redis outage every call fails the same way: a few lines, not one per call.
  const warnOutage = throttledLog(logger, 'warn', 30_000);

  const finish = (outcome: ToolOutcome, startedAt: bigint, requestId: string, traced: ToolCallTrace, details: Record<string, unknown> & { errorType?: string } = {}) => {
    const { errorType, ...extra } = details;
    traced.end(outcome, errorType);
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    metrics.toolCalls.inc({ tool: tool.name, outcome });
    metrics.toolDuration.observe({ tool: tool.name, outcome }, seconds);
    if (outcome !== 'success' && outcome !== 'cached') {
      logger.log(outcome === 'error' ? 'error' : 'info', 'tool call failed', { requestId, tool: tool.name, outcome, durationMs: Math.round(seconds * 1000), ...extra });
    } else if (debugEnabled) {
      logger.debug('tool call', { requestId, tool: tool.name, outcome, durationMs: Math.round(seconds * 1000) });
    }
  };

  return async (args: Record<string, unknown>, sdkContext?: SdkToolContext): Promise<ToolCallResult> => {
    const startedAt = process.hrtime.bigint();
    const requestId = currentRequestScope()?.requestId ?? randomUUID();
    // The call's _meta carries its trace context where no HTTP exchange does (stdio).
    const traced = traceToolCall(tool.name, sdkContext?.mcpReq?._meta);

    let key: string | undefined;
    if (cacheable && deps.cache) {
      key = cacheKey(deps.serverName, tool.name, args);
      try {
        const hit = await deps.cache.get(key);
        if (hit !== undefined) {
          metrics.cacheHits.inc({ tool: tool.name });
          finish('cached', startedAt, requestId, traced);
          return successResult(hit as Record<string, unknown>);
        }
        metrics.cacheMisses.inc({ tool: tool.name });
      } catch (error) {
        // A broken cache must not break the tool: run it uncached and say so in the logs.
        metrics.cacheMisses.inc({ tool: tool.name });
        warnOutage('result cache read failed; running uncached', { requestId, tool: tool.name, error: (error as Error).message });
        key = undefined;
      }
    }

    // One controller per call, released as soon as the call ends: AbortSignal.timeout() and
    // AbortSignal.any() over the long-lived shutdown signal keep every call's signal (and a
    // TOOL_TIMEOUT-long timer) alive, which showed up as retained heap in the benchmark.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`${tool.name} timed out`));
    }, deps.toolTimeoutMs);
    const onShutdown = () => controller.abort(new Error('server shutting down'));
    const requestSignal = sdkContext?.mcpReq?.signal;
    const onCancel = () => controller.abort(new Error('request cancelled'));
    deps.shutdownSignal.addEventListener('abort', onShutdown, { once: true });
    requestSignal?.addEventListener('abort', onCancel, { once: true });
    if (deps.shutdownSignal.aborted) onShutdown();
    if (requestSignal?.aborted) onCancel();
    const release = () => {
      clearTimeout(timer);
      deps.shutdownSignal.removeEventListener('abort', onShutdown);
      requestSignal?.removeEventListener('abort', onCancel);
    };
    const signal = controller.signal;

    let structured: Record<string, unknown>;
    try {
      // The handler runs in the call's span, so its upstream requests become child spans.
      const raw: unknown = await abortable(traced.run(() => Promise.resolve().then(() => tool.handler(args, { signal, requestId }))), signal);
      const parsed = tool.outputSchema.safeParse(raw);
      if (!parsed.success) {
        release();
        finish('error', startedAt, requestId, traced, { errorType: 'invalid_output', error: `output does not match outputSchema: ${parsed.error.message}` });
        return toolErrorResult(`Internal error: ${tool.name} produced a result that does not match its output schema (request id ${requestId}).`);
      }
      structured = parsed.data as Record<string, unknown>;
      release();
    } catch (error) {
      release();
      if (error instanceof RedisUnavailableError) {
        metrics.toolCalls.inc({ tool: tool.name, outcome: 'tool_error' });
        traced.end('tool_error', 'tool_error');
        warnOutage('tool call failed: Redis unavailable', { requestId, tool: tool.name, error: error.message });
        return toolErrorResult(error.message);
      }
      if (error instanceof ToolError) {
        finish('tool_error', startedAt, requestId, traced, { errorType: 'tool_error', code: error.code, error: error.message });
        return toolErrorResult(error.message);
      }
      if (error instanceof ToolTimeoutError || signal.aborted) {
        const why = timedOut
          ? `${tool.name} did not finish within ${deps.toolTimeoutMs / 1000}s (TOOL_TIMEOUT); try a smaller request or retry later.`
          : deps.shutdownSignal.aborted
            ? `${tool.name} was stopped because the server is shutting down; retry the call.`
            : `${tool.name} was cancelled.`;
        finish('tool_error', startedAt, requestId, traced, { errorType: 'tool_error', code: 'timeout', error: why });
        return toolErrorResult(why);
      }
      finish('error', startedAt, requestId, traced, { errorType: errorTypeOf(error), error: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) });
      return toolErrorResult(`Internal error while running ${tool.name}; it was logged with request id ${requestId}.`);
    }

    if (key !== undefined && deps.cache) {
      try {
        await deps.cache.set(key, structured, deps.cacheTtlSeconds);
      } catch (error) {
        warnOutage('result cache write failed', { requestId, tool: tool.name, error: (error as Error).message });
      }
    }
    finish('success', startedAt, requestId, traced);
    return successResult(structured);
  };
}
