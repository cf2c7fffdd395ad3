// The collector's configuration for one test run: the OTLP receiver on loopback, optionally
// requiring a bearer token, and every trace written to a JSON-lines file. JSON is valid YAML, so
// the file the collector reads is written with JSON.stringify.

export interface CollectorConfigOptions {
  httpPort: number;
  /** Also receive OTLP/gRPC on this port. */
  grpcPort?: number;
  outputPath: string;
  /** When set, the receiver refuses requests without `Authorization: Bearer <token>` (401). */
  bearerToken?: string;
}

export function collectorConfig(options: CollectorConfigOptions): Record<string, unknown> {
  const auth = options.bearerToken === undefined ? {} : { auth: { authenticator: 'bearertokenauth' } };
  const protocols: Record<string, unknown> = { http: { endpoint: `127.0.0.1:${options.httpPort}`, ...auth } };
  if (options.grpcPort !== undefined) protocols.grpc = { endpoint: `127.0.0.1:${options.grpcPort}`, ...auth };
  return {
    ...(options.bearerToken === undefined ? {} : { extensions: { bearertokenauth: { scheme: 'Bearer', token: options.bearerToken } } }),
    receivers: { otlp: { protocols } },
    // A short flush interval so a test sees a span soon after it is exported.
    exporters: { file: { path: options.outputPath, format: 'json', flush_interval: '100ms' } },
    service: {
      ...(options.bearerToken === undefined ? {} : { extensions: ['bearertokenauth'] }),
      // The collector's own metrics would listen on a fixed port (8888): off, so runs never collide.
      telemetry: { metrics: { level: 'none' }, logs: { level: 'info' } },
      pipelines: { traces: { receivers: ['otlp'], exporters: ['file'] } },
    },
  };
}
