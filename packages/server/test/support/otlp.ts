import { credentials, Metadata } from '@grpc/grpc-js';
import { OTLPLogExporter as LogsGrpc } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as LogsJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as MetricsGrpc } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as MetricsJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as TracesGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as TracesJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import type { TestServer } from '../helpers';

export type Protocol = 'http/protobuf' | 'http/json' | 'grpc';
export const PROTOCOLS: Protocol[] = ['http/protobuf', 'http/json', 'grpc'];

/**
 * The official exporters for one protocol, optionally with an ingest token
 * (`Authorization: Bearer`, gRPC metadata `authorization`) and a CA for TLS.
 */
export function otlpExporters(server: TestServer, protocol: Protocol, opts: { token?: string; ca?: Buffer } = {}) {
  const http = server.urls.otlpHttp;
  const headers = opts.token ? { Authorization: `Bearer ${opts.token}` } : undefined;
  const httpAgentOptions = opts.ca ? { ca: opts.ca } : undefined;
  const httpOpts = (signal: string) => ({ url: `${http}/v1/${signal}`, headers, httpAgentOptions });
  if (protocol === 'http/protobuf')
    return {
      traces: new TracesProto(httpOpts('traces')),
      logs: new LogsProto(httpOpts('logs')),
      metrics: new MetricsProto(httpOpts('metrics')),
    };
  if (protocol === 'http/json')
    return {
      traces: new TracesJson(httpOpts('traces')),
      logs: new LogsJson(httpOpts('logs')),
      metrics: new MetricsJson(httpOpts('metrics')),
    };
  const url = `${opts.ca ? 'https' : 'http'}://${server.urls.otlpGrpc}`;
  const metadata = new Metadata();
  if (opts.token) metadata.set('authorization', `Bearer ${opts.token}`);
  const grpcOpts = { url, metadata, credentials: opts.ca ? credentials.createSsl(opts.ca) : undefined };
  return {
    traces: new TracesGrpc(grpcOpts),
    logs: new LogsGrpc(grpcOpts),
    metrics: new MetricsGrpc({ ...grpcOpts, temporalityPreference: AggregationTemporality.DELTA }),
  };
}

/** Exports through an exporter directly and resolves with its result (code 0 = success). */
export function exportOnce<T>(
  exporter: { export(items: T, cb: (r: { code: number; error?: Error }) => void): void },
  items: T,
): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(items, resolve));
}
