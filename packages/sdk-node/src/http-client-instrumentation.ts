// Our own instrumentation of outgoing node:http / node:https requests, the lean replacement for the
// client half of @opentelemetry/instrumentation-http (fetch/undici keeps the upstream one, which
// already works from diagnostics channels).
//
// Per request: one wrap of `request`/`get` starts the CLIENT span and injects traceparent/baggage
// with setHeader (headers are still unsent right after the ClientRequest is built). The span ends
// from the `http.client.response.finish` and `http.client.request.error` diagnostics channels
// (both published by Node 20.20, checked), so no listener is added per request and no emitter is bound: Node
// itself runs the response callbacks in the caller's context, reused keep-alive sockets included.
import dc from 'node:diagnostics_channel';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import { type Attributes, context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { type Core, KNOWN_METHODS, LeanInstrumentation } from './lean-instrumentation.js';

export const HTTP_CLIENT_INSTRUMENTATION_NAME = '@tracehouse/instrumentation-http-client';

export interface HttpClientInstrumentationConfig extends InstrumentationConfig {
  requestHeaders?: readonly string[];
  responseHeaders?: readonly string[];
}

const SPAN = Symbol('tracehouse.http.client.span');
type Tagged = http.ClientRequest & { [SPAN]?: Span };
// biome-ignore lint/suspicious/noExplicitAny: the wrapped functions take every overload of request/get.
type RequestFn = (...args: any[]) => http.ClientRequest;

export class HttpClientInstrumentation extends LeanInstrumentation<HttpClientInstrumentationConfig> {
  private restore: (() => void)[] = [];

  constructor(config: HttpClientInstrumentationConfig, core: Core) {
    super(HTTP_CLIENT_INSTRUMENTATION_NAME, config, core);
    if (this.config.enabled) this.enable();
  }

  enable(): void {
    this.config.enabled = true;
    if (this.restore.length > 0) return;
    for (const [module, scheme] of [
      [http, 'http'],
      [https, 'https'],
    ] as const) {
      const mod = module as unknown as { request: RequestFn; get: RequestFn };
      const request = mod.request;
      const get = mod.get;
      const wrappedRequest = this.wrap(request, scheme);
      // get() must go through the wrapped request and end the request, as Node's own get() does.
      const wrappedGet: RequestFn = (...args) => {
        const req = wrappedRequest(...args);
        req.end();
        return req;
      };
      for (const fn of [wrappedRequest, wrappedGet]) Object.assign(fn, { __wrapped: true });
      mod.request = wrappedRequest;
      mod.get = wrappedGet;
      this.restore.push(() => {
        mod.request = request;
        mod.get = get;
      });
    }
    const onResponse = (message: unknown) => {
      const { request, response } = message as { request: Tagged; response: http.IncomingMessage };
      this.end(request, response, undefined);
    };
    const onError = (message: unknown) => {
      const { request, error } = message as { request: Tagged; error: Error };
      this.end(request, undefined, error);
    };
    dc.subscribe('http.client.response.finish', onResponse);
    dc.subscribe('http.client.request.error', onError);
    this.restore.push(() => {
      dc.unsubscribe('http.client.response.finish', onResponse);
      dc.unsubscribe('http.client.request.error', onError);
    });
    // ESM named imports of builtins (`import { request } from 'node:http'`) see the patch only after this.
    syncBuiltinESMExports();
  }

  disable(): void {
    this.config.enabled = false;
    for (const undo of this.restore.reverse()) undo();
    this.restore = [];
    syncBuiltinESMExports();
  }

  private wrap(original: RequestFn, scheme: 'http' | 'https'): RequestFn {
    const self = this;
    return function (this: unknown, ...args) {
      const active = context.active();
      if (self.core.isTracingSuppressed(active)) return original.apply(this, args);
      const req = original.apply(this, args) as Tagged;
      if (req.headersSent) return req;
      const method = req.method;
      const known = KNOWN_METHODS.has(method);
      // Attributes after the start and only when recorded (see http-server-instrumentation.ts).
      const span = self.tracer.startSpan(known ? method : 'HTTP', { kind: SpanKind.CLIENT }, active);
      propagation.inject(trace.setSpan(active, span), req, SETTER);
      req[SPAN] = span;
      if (!span.isRecording()) return req;
      const host = req.host;
      const portHeader = String(req.getHeader('host') ?? '');
      const colon = portHeader.lastIndexOf(':');
      const port =
        colon > portHeader.lastIndexOf(']') ? Number(portHeader.slice(colon + 1)) : scheme === 'https' ? 443 : 80;
      const attributes: Attributes = {
        'http.request.method': known ? method : '_OTHER',
        'server.address': host,
        'server.port': port,
        'url.full': `${scheme}://${portHeader || host}${req.path}`,
      };
      if (!known) attributes['http.request.method_original'] = method;
      for (const name of self.config.requestHeaders ?? []) {
        const value = req.getHeader(name);
        if (value !== undefined) attributes[`http.request.header.${name.toLowerCase()}`] = headerValues(value);
      }
      span.setAttributes(attributes);
      return req;
    };
  }

  private end(request: Tagged, response: http.IncomingMessage | undefined, error: Error | undefined): void {
    const span = request[SPAN];
    if (!span) return;
    request[SPAN] = undefined;
    if (!span.isRecording()) {
      span.end();
      return;
    }
    if (response) {
      const status = response.statusCode ?? 0;
      span.setAttribute('http.response.status_code', status);
      span.setAttribute('network.protocol.version', response.httpVersion);
      for (const name of this.config.responseHeaders ?? []) {
        const value = response.headers[name.toLowerCase()];
        if (value !== undefined) span.setAttribute(`http.response.header.${name.toLowerCase()}`, headerValues(value));
      }
      if (status >= 400) {
        span.setAttribute('error.type', String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    } else if (error) {
      span.recordException(error);
      span.setAttribute('error.type', (error as NodeJS.ErrnoException).code ?? error.name);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    }
    span.end();
  }
}

const SETTER = {
  set(carrier: http.ClientRequest, key: string, value: string) {
    carrier.setHeader(key, value);
  },
};

function headerValues(value: string | string[] | number): string[] {
  if (Array.isArray(value)) return value;
  return [String(value)];
}
