// A tiny OTLP/HTTP receiver for tests: keeps every raw request body (to search for leaked secrets)
// and decodes traces and logs, from OTLP/JSON or OTLP/protobuf, into one flat shape.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

export interface CapturedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, Value>;
  events: { name: string; attributes: Record<string, Value> }[];
  links: { traceId: string; spanId: string }[];
  status: { code: number; message: string };
  resource: Record<string, Value>;
}

export interface CapturedLog {
  service: string;
  traceId: string;
  spanId: string;
  severityText: string;
  body: Value;
  attributes: Record<string, Value>;
}

export interface CapturedRequest {
  path: string;
  contentType: string;
  /** Decompressed body, exactly as the exporter encoded it. */
  body: Buffer;
}

export interface OtlpCapture {
  url: string;
  requests: CapturedRequest[];
  spans: CapturedSpan[];
  logs: CapturedLog[];
  close(): Promise<void>;
}

const root = protobuf.parse(readFileSync(new URL('./otlp-subset.proto', import.meta.url), 'utf8')).root;
const TracesRequest = root.lookupType('otlp.ExportTraceServiceRequest');
const LogsRequest = root.lookupType('otlp.ExportLogsServiceRequest');

export async function startOtlpCapture(): Promise<OtlpCapture> {
  const capture: Omit<OtlpCapture, 'close' | 'url'> = { requests: [], spans: [], logs: [] };
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const contentType = request.headers['content-type'] ?? '';
    const path = request.url ?? '';
    capture.requests.push({ path, contentType, body });
    const json = contentType.includes('json');
    try {
      if (path === '/v1/traces') {
        const message = json ? JSON.parse(body.toString('utf8')) : decode(TracesRequest, body);
        capture.spans.push(...flattenSpans(message));
      } else if (path === '/v1/logs') {
        const message = json ? JSON.parse(body.toString('utf8')) : decode(LogsRequest, body);
        capture.logs.push(...flattenLogs(message));
      }
    } catch (error) {
      response.writeHead(400).end(String(error));
      return;
    }
    response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
    response.end(json ? '{}' : undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...capture,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

function decode(type: protobuf.Type, body: Buffer): unknown {
  return type.toObject(type.decode(body), { longs: String, enums: Number, bytes: Array });
}

// Both encodings share OTLP's field names once protobufjs camel-cases them; they differ in ids
// (hex strings in JSON, byte arrays in protobuf) and in how 64-bit integers arrive.
type Json = Record<string, unknown>;

function flattenSpans(message: unknown): CapturedSpan[] {
  const spans: CapturedSpan[] = [];
  for (const resourceSpans of list((message as Json).resourceSpans)) {
    const resource = attributes((resourceSpans.resource as Json | undefined)?.attributes);
    for (const scopeSpans of list(resourceSpans.scopeSpans)) {
      for (const span of list(scopeSpans.spans)) {
        const status = (span.status ?? {}) as Json;
        spans.push({
          service: String(resource['service.name']),
          traceId: id(span.traceId),
          spanId: id(span.spanId),
          parentSpanId: id(span.parentSpanId),
          name: String(span.name),
          kind: Number(span.kind ?? 0),
          attributes: attributes(span.attributes),
          events: list(span.events).map((event) => ({
            name: String(event.name),
            attributes: attributes(event.attributes),
          })),
          links: list(span.links).map((link) => ({ traceId: id(link.traceId), spanId: id(link.spanId) })),
          status: { code: Number(status.code ?? 0), message: String(status.message ?? '') },
          resource,
        });
      }
    }
  }
  return spans;
}

function flattenLogs(message: unknown): CapturedLog[] {
  const logs: CapturedLog[] = [];
  for (const resourceLogs of list((message as Json).resourceLogs)) {
    const resource = attributes((resourceLogs.resource as Json | undefined)?.attributes);
    for (const scopeLogs of list(resourceLogs.scopeLogs)) {
      for (const record of list(scopeLogs.logRecords)) {
        logs.push({
          service: String(resource['service.name']),
          traceId: id(record.traceId),
          spanId: id(record.spanId),
          severityText: String(record.severityText ?? ''),
          body: anyValue(record.body),
          attributes: attributes(record.attributes),
        });
      }
    }
  }
  return logs;
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

function id(value: unknown): string {
  if (typeof value === 'string') return value.toLowerCase();
  if (Array.isArray(value)) return Buffer.from(value as number[]).toString('hex');
  return '';
}

function attributes(keyValues: unknown): Record<string, Value> {
  const result: Record<string, Value> = {};
  for (const { key, value } of list(keyValues)) result[String(key)] = anyValue(value);
  return result;
}

function anyValue(value: unknown): Value {
  if (value === null || typeof value !== 'object') return null;
  const v = value as Json;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (v.intValue !== undefined && v.intValue !== null) return Number(v.intValue);
  if (v.doubleValue !== undefined && v.doubleValue !== null) return Number(v.doubleValue);
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.arrayValue) return list((v.arrayValue as Json).values).map(anyValue);
  if (v.kvlistValue) return attributes((v.kvlistValue as Json).values);
  return null;
}
