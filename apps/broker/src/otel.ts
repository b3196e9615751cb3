import type { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * Starts the OpenTelemetry SDK with an OTLP/gRPC trace exporter, only when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set. Otherwise nothing is loaded and the
 * libraries' @opentelemetry/api calls stay no-ops: tracing costs nothing.
 */
export async function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): Promise<{ shutdown(): Promise<void> }> {
  if (!env['OTEL_EXPORTER_OTLP_ENDPOINT']) return { shutdown: async () => undefined };
  const { NodeSDK: Sdk } = await import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
  const sdk: NodeSDK = new Sdk({ serviceName, traceExporter: new OTLPTraceExporter() });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
