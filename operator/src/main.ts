#!/usr/bin/env node
// Entry point of the operator: parse configuration (flags and env; a bad value is a clear error
// and exit code 2), start tracing when the standard OTEL_* variables ask for it, start, and shut
// down gracefully on SIGTERM/SIGINT (release the lease, then flush the last spans).
import { ConfigError as TracingConfigError } from '../../servers/kit/env.ts';
import { startTracing, type TracingHandle } from '../../servers/kit/tracing/start.ts';
import { ConfigError, configUsage, isHelpRequested, isVersionRequested, parseConfig } from './config/config.ts';
import { Operator } from './operator.ts';
import { OPERATOR_VERSION } from './version.ts';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (isHelpRequested(argv)) {
    console.log(configUsage());
    return 0;
  }
  if (isVersionRequested(argv)) {
    console.log(`mcpfleet-operator ${OPERATOR_VERSION} (node ${process.version})`);
    return 0;
  }
  let config;
  let tracing: TracingHandle;
  try {
    config = parseConfig(argv, process.env);
    // Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_TRACES_EXPORTER=otlp) is set.
    tracing = await startTracing({ serviceName: 'mcpfleet-operator', serviceVersion: OPERATOR_VERSION, onExportFailure: (message) => console.error(message) });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof TracingConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const operator = new Operator({ config });
  await operator.start();
  operator.logger.info('operator started', { version: OPERATOR_VERSION, identity: operator.identity, health: operator.healthUrl, metrics: operator.metricsUrl, tracing: tracing.enabled ? 'on' : tracing.disabledReason });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      operator.logger.info('shutting down', { signal });
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await operator.stop();
  await tracing.shutdown();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
