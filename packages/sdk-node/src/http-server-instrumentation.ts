// Our own instrumentation of incoming HTTP requests (node:http and node:https servers), the lean
// replacement for the server half of @opentelemetry/instrumentation-http.
//
// What it costs per request, and why it is cheaper than upstream:
// - one wrap of `Server.prototype.emit` (only the 'request' event does any work);
// - the request's context is kept on the request and response objects (one symbol property each),
//   and one wrap of `IncomingMessage.prototype.emit` / `ServerResponse.prototype.emit` runs their
//   events inside it. Upstream binds both emitters per request instead (context.bind patches
//   on/addListener/removeListener and wraps every listener added later), which was about a quarter
//   of its cost;
// - the span ends from that same emit wrap on the response's 'finish' or 'close', so no listener is
//   added per request;
// - attributes are read once from what Node already parsed; no options or header objects are copied.
//
// Attributes follow the current (stable) HTTP semantic conventions. `http.route` comes from the
// framework instrumentations (express, @fastify/otel), which write it into the RPC metadata this
// puts in the request's context, exactly as they do for the upstream instrumentation.
// biome-ignore-all lint/complexity/noArguments: the emit wraps run for every event of every request; `arguments` passes them on without allocating an array.
import http from 'node:http';
import https from 'node:https';
import {
  type Attributes,
  type Context,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { type Core, KNOWN_METHODS, LeanInstrumentation } from './lean-instrumentation.js';

export const HTTP_SERVER_INSTRUMENTATION_NAME = '@tracehouse/instrumentation-http-server';

export interface HttpServerInstrumentationConfig extends InstrumentationConfig {
  /** Request paths (query ignored) that start no trace: tracing is suppressed for their whole handling. */
  ignoredPaths?: readonly string[];
  /** Extra predicate: true means the request is not traced. */
  ignoreIncomingRequestHook?: (request: http.IncomingMessage) => boolean;
  /** Request/response headers copied onto the span as `http.{request,response}.header.<name>` (string[]). */
  requestHeaders?: readonly string[];
  responseHeaders?: readonly string[];
}

type RpcMetadata = { type: unknown; span: Span; route?: string };

/** The request's context (also set on the response). */
const CONTEXT = Symbol('tracehouse.http.context');
/** The SERVER span, on the response, until it ends. */
const SPAN = Symbol('tracehouse.http.span');
const RPC = Symbol('tracehouse.http.rpc');

interface Tagged {
  [CONTEXT]?: Context;
  [SPAN]?: Span;
  [RPC]?: RpcMetadata;
}

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
interface Patch {
  target: { emit: Emit };
  original: Emit;
  own: boolean;
}

export class HttpServerInstrumentation extends LeanInstrumentation<HttpServerInstrumentationConfig> {
  private patches: Patch[] = [];

  constructor(config: HttpServerInstrumentationConfig, core: Core) {
    super(HTTP_SERVER_INSTRUMENTATION_NAME, config, core);
    if (this.config.enabled) this.enable();
  }

  enable(): void {
    this.config.enabled = true;
    if (this.patches.length > 0) return;
    const self = this;
    // `arguments` rather than rest parameters: the untraced paths then allocate nothing.
    const serverEmit = (original: Emit): Emit =>
      function (this: unknown, event) {
        if (event !== 'request') return Reflect.apply(original, this, arguments);
        return self.onRequest(
          original,
          this,
          arguments[1] as http.IncomingMessage,
          arguments[2] as http.ServerResponse,
        );
      };
    this.patch(http.Server.prototype, serverEmit);
    this.patch(https.Server.prototype, serverEmit);
    this.patch(
      http.IncomingMessage.prototype,
      (original) =>
        function (this: unknown) {
          const ctx = (this as Tagged)[CONTEXT];
          // Client responses and untraced requests; and events already emitted in the request's context.
          if (ctx === undefined || context.active() === ctx) return Reflect.apply(original, this, arguments);
          return context.with(ctx, applyEmit, undefined, original, this, arguments);
        },
    );
    this.patch(
      http.ServerResponse.prototype,
      (original) =>
        function (this: unknown, event) {
          const tagged = this as Tagged & http.ServerResponse;
          const ctx = tagged[CONTEXT];
          if (ctx === undefined) return Reflect.apply(original, this, arguments);
          if ((event === 'finish' || event === 'close') && tagged[SPAN]) self.endSpan(tagged, event === 'finish');
          if (context.active() === ctx) return Reflect.apply(original, this, arguments);
          return context.with(ctx, applyEmit, undefined, original, this, arguments);
        },
    );
  }

  disable(): void {
    this.config.enabled = false;
    for (const { target, original, own } of this.patches.reverse()) {
      if (own) target.emit = original;
      else delete (target as { emit?: Emit }).emit;
    }
    this.patches = [];
  }

  private patch(target: object, wrap: (original: Emit) => Emit): void {
    const holder = target as { emit: Emit };
    const own = Object.hasOwn(holder, 'emit');
    const original = holder.emit;
    const wrapped = wrap(original);
    // The marker shimmer (and so every upstream instrumentation) leaves, for tools that check it.
    Object.assign(wrapped, { __wrapped: true, __original: original });
    holder.emit = wrapped;
    this.patches.push({ target: holder, original, own });
  }

  private onRequest(
    emit: Emit,
    server: unknown,
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): boolean {
    const active = context.active();
    if (this.ignored(request)) {
      // Nothing the handler does (downstream calls included) is traced either.
      return context.with(this.core.suppressTracing(active), emit, server, 'request', request, response);
    }
    const parent = propagation.extract(active, request.headers);
    const method = request.method ?? 'GET';
    const known = KNOWN_METHODS.has(method);
    // Attributes go on after the start, and only on a recorded span: an unsampled request then builds
    // none, and a sampled one skips the SDK's two validation copies of start attributes. No sampler
    // @tracehouse/node configures reads attributes, so sampling decisions are the same.
    const span = this.tracer.startSpan(known ? method : 'HTTP', { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) {
      const attributes = this.requestAttributes(request, known ? method : '_OTHER');
      if (!known) attributes['http.request.method_original'] = method;
      span.setAttributes(attributes);
    }
    const rpc: RpcMetadata = { type: this.core.RPCType.HTTP, span };
    const ctx = this.core.setRPCMetadata(trace.setSpan(parent, span), rpc as never);
    const req = request as http.IncomingMessage & Tagged;
    const res = response as http.ServerResponse & Tagged;
    req[CONTEXT] = ctx;
    res[CONTEXT] = ctx;
    res[SPAN] = span;
    res[RPC] = rpc;
    try {
      return context.with(ctx, emit, server, 'request', request, response);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      this.endSpan(res, false);
      throw error;
    }
  }

  private ignored(request: http.IncomingMessage): boolean {
    const paths = this.config.ignoredPaths;
    if (paths && paths.length > 0 && request.url) {
      const url = request.url;
      const query = url.indexOf('?');
      if (paths.includes(query === -1 ? url : url.slice(0, query))) return true;
    }
    const hook = this.config.ignoreIncomingRequestHook;
    if (!hook) return false;
    try {
      return hook(request);
    } catch {
      return false;
    }
  }

  private requestAttributes(request: http.IncomingMessage, method: string): Attributes {
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const socket = request.socket as (typeof request.socket & { encrypted?: boolean }) | null;
    const scheme = socket?.encrypted ? 'https' : 'http';
    const attributes: Attributes = {
      'http.request.method': method,
      'url.scheme': scheme,
      'url.path': query === -1 ? url : url.slice(0, query),
      'network.protocol.version': request.httpVersion,
    };
    if (query !== -1) attributes['url.query'] = url.slice(query + 1);
    const host = request.headers.host;
    if (host) {
      // host[:port], or [v6]:port
      const colon = host.lastIndexOf(':');
      if (colon > host.lastIndexOf(']')) {
        attributes['server.address'] = host.slice(0, colon);
        const port = Number(host.slice(colon + 1));
        if (Number.isInteger(port)) attributes['server.port'] = port;
      } else {
        attributes['server.address'] = host;
        attributes['server.port'] = scheme === 'https' ? 443 : 80;
      }
    }
    const userAgent = request.headers['user-agent'];
    if (userAgent) attributes['user_agent.original'] = userAgent;
    const client = socket?.remoteAddress;
    if (client) attributes['client.address'] = client;
    for (const name of this.config.requestHeaders ?? []) {
      const value = request.headers[name.toLowerCase()];
      if (value !== undefined) attributes[`http.request.header.${name.toLowerCase()}`] = headerValues(value);
    }
    return attributes;
  }

  private endSpan(response: http.ServerResponse & Tagged, finished: boolean): void {
    const span = response[SPAN];
    if (!span) return;
    response[SPAN] = undefined;
    if (!span.isRecording()) {
      span.end();
      return;
    }
    const status = response.statusCode;
    const route = response[RPC]?.route;
    if (route) {
      span.setAttribute('http.route', route);
      span.updateName(
        `${(response.req?.method && KNOWN_METHODS.has(response.req.method) && response.req.method) || 'HTTP'} ${route}`,
      );
    }
    if (finished || response.headersSent) span.setAttribute('http.response.status_code', status);
    for (const name of this.config.responseHeaders ?? []) {
      const value = response.getHeader(name);
      if (value !== undefined) span.setAttribute(`http.response.header.${name.toLowerCase()}`, headerValues(value));
    }
    if (status >= 500) {
      span.setAttribute('error.type', String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    } else if (!finished) {
      // The connection closed before the response was complete (client gone, socket error).
      span.setAttribute('error.type', 'aborted');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'response not finished' });
    }
    span.end();
  }
}

/** Runs an emit with its receiver and arguments inside context.with, without binding a function per event. */
function applyEmit(emit: Emit, target: unknown, args: IArguments): boolean {
  return Reflect.apply(emit, target, args);
}

function headerValues(value: string | string[] | number): string[] {
  if (Array.isArray(value)) return value;
  return [String(value)];
}
