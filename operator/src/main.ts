#!/usr/bin/env node
// Entry point of the operator: parse configuration (flags and env; a bad value is a clear error
// and exit code 2), start, and shut down gracefully on SIGTERM/SIGINT (release the lease).
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
  try {
    config = parseConfig(argv, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const operator = new Operator({ config });
  await operator.start();
  operator.logger.info('operator started', { version: OPERATOR_VERSION, identity: operator.identity, health: operator.healthUrl, metrics: operator.metricsUrl });
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      operator.logger.info('shutting down', { signal });
      resolve();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  await operator.stop();
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
