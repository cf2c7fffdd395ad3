// A real OpenTelemetry Collector for a test: started on free loopback ports with its own
// temporary directory, its file exporter's output parsed into spans, stopped with SIGTERM (which
// flushes the exporter). A detached reaper kills it if the Node process dies without stopping it.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../cluster/src/ports.ts';
import { startReaper } from '../../cluster/src/reaper.ts';
import { superviseChild } from '../../release/supervised-child.ts';
import { collectorBinary } from './binary.ts';
import { collectorConfig } from './config.ts';
import { spansOfJsonLines, type Span } from './spans.ts';

export interface CollectorOptions {
  /** Require `Authorization: Bearer <token>` on every OTLP request. */
  bearerToken?: string;
  /** Also receive OTLP/gRPC. */
  grpc?: boolean;
  startTimeoutMs?: number;
}

export interface Collector {
  /** Base URL of the OTLP/HTTP receiver (the exporters append /v1/traces). */
  otlpHttpEndpoint: string;
  /** host:port of the OTLP/gRPC receiver, when asked for. */
  otlpGrpcEndpoint?: string;
  /** Every span received so far. */
  spans(): Promise<Span[]>;
  /** Polls until `predicate` holds for the spans received; fails with what did arrive on timeout. */
  waitForSpans(predicate: (spans: Span[]) => boolean, timeoutMs?: number): Promise<Span[]>;
  /** The collector's process id (gone once stop() resolves). */
  pid: number;
  /** The tail of the collector's log (stderr), for error messages. */
  log(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const binary = await collectorBinary();
  const dir = await mkdtemp(path.join(tmpdir(), 'mcpfleet-otelcol-'));
  const httpPort = await freePort();
  const grpcPort = options.grpc ? await freePort() : undefined;
  const outputPath = path.join(dir, 'traces.jsonl');
  const configPath = path.join(dir, 'config.yaml');
  await writeFile(configPath, JSON.stringify(collectorConfig({ httpPort, grpcPort, outputPath, bearerToken: options.bearerToken }), null, 2));

  const child = spawn(binary, [`--config=file:${configPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const supervised = superviseChild(child);
  const pidFile = path.join(dir, 'pids');
  await writeFile(pidFile, String(child.pid ?? ''));
  const reaper = startReaper(pidFile);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await supervised.stop();
    reaper.stop();
    await rm(dir, { recursive: true, force: true });
  };

  const otlpHttpEndpoint = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    // The receiver answers any request once it listens (405 for GET, 401 without the token).
    const answered = await fetch(`${otlpHttpEndpoint}/v1/traces`, { signal: AbortSignal.timeout(2_000) }).then(
      () => true,
      () => false,
    );
    if (answered) break;
    if (supervised.exited() || Date.now() > deadline) {
      const log = supervised.stderr();
      await stop();
      throw new Error(`the OpenTelemetry Collector did not start on ${otlpHttpEndpoint}: ${log}`);
    }
    await sleep(100);
  }

  const spans = async () => spansOfJsonLines(await readFile(outputPath, 'utf8').catch(() => ''));
  return {
    otlpHttpEndpoint,
    otlpGrpcEndpoint: grpcPort === undefined ? undefined : `127.0.0.1:${grpcPort}`,
    spans,
    async waitForSpans(predicate, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const received = await spans();
        if (predicate(received)) return received;
        if (Date.now() > until) {
          const names = received.map((s) => `${String(s.resource['service.name'])}:${s.name}`).join(', ') || 'none';
          throw new Error(`spans did not arrive within ${timeoutMs} ms; received: ${names}; collector log: ${supervised.stderr().slice(-1500)}`);
        }
        await sleep(100);
      }
    },
    pid: child.pid ?? 0,
    log: () => supervised.stderr(),
    stop,
  };
}
