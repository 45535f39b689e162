import type { SpanKindName } from '@tracehouse/otlp';
import type { Random } from './random';
import type { ScopeCategory, ServiceInstance } from './resources';
import type { SpanNode, SpanRole } from './span-node';
import {
  CLIENT_USER_AGENT,
  CONSUMERS,
  type DbStatement,
  type EntryPoint,
  type ExternalApi,
  MESSAGE_BROKER,
  OPERATIONS,
  type Operation,
  type Step,
  USER_AGENTS,
} from './topology';

const MS = 1_000_000;

/** Who the trace is for, and the concrete ids its URLs and queries mention. */
export interface TraceContext {
  userId: string;
  orgId: string;
  userAgent: string | null;
  orderId: number;
  productId: number;
  slug: string;
  /** Repeat count for `repeat: 'big'` steps. */
  bigRepeat: number;
  /** Multiplier on repeat counts. */
  fanout: number;
}

const SLUGS = ['espresso-machine', 'running-shoes', 'desk-lamp', 'rain-jacket', 'usb-c-hub', 'yoga-mat', 'tea-kettle'];

export function newTraceContext(
  rng: Random,
  users: number,
  entry: EntryPoint,
  bigRepeat: number,
  fanout: number,
): TraceContext {
  // A few users make most of the requests, as on any real site.
  const user = Math.floor(users * rng.float() ** 2);
  const orgs = Math.max(1, Math.ceil(users / 25));
  return {
    userId: `user-${String(user).padStart(6, '0')}`,
    orgId: `org-${String((Math.imul(user + 1, 2654435761) >>> 0) % orgs).padStart(4, '0')}`,
    userAgent: entry.client === 'none' ? null : rng.pick(USER_AGENTS[entry.client]),
    orderId: rng.int(100_000, 999_999),
    productId: rng.int(1, 5000),
    slug: rng.pick(SLUGS),
    bigRepeat,
    fanout,
  };
}

/**
 * Turns the topology into one trace's span tree. Durations are drawn here (log-normal
 * around each step's median); where spans sit in time is decided later by timing.ts.
 */
export class TraceBuilder {
  constructor(
    private readonly rng: Random,
    private readonly instances: Map<string, ServiceInstance[]>,
    private readonly ctx: TraceContext,
  ) {}

  build(entry: EntryPoint): SpanNode {
    const op = OPERATIONS[entry.operation];
    if (op.type === 'job') {
      const instance = this.instanceOf(op.service);
      const root = this.node(null, instance, 'internal', 'job', op.name ?? entry.operation, 'Internal');
      root.before = this.self(op.ms) * 0.6;
      root.after = this.self(op.ms) * 0.4;
      this.steps(op.steps, root);
      return root;
    }
    return this.serve(op, null, null);
  }

  /** Publishes a message nobody waits for; its consumer runs after the root has returned. */
  publishBackground(root: SpanNode, topic: string): SpanNode {
    const producer = this.publish(topic, root);
    return producer.children[0];
  }

  private instanceOf(service: string): ServiceInstance {
    return this.rng.pick(this.instances.get(service) ?? []);
  }

  private self(medianMs: number): number {
    return this.rng.logNormal(medianMs * MS, 0.5);
  }

  private node(
    parent: SpanNode | null,
    instance: ServiceInstance,
    scope: ScopeCategory,
    role: SpanRole,
    name: string,
    kind: SpanKindName,
  ): SpanNode {
    const node: SpanNode = {
      parent,
      children: [],
      instance,
      scope,
      role,
      name,
      kind,
      attributes: {},
      attributeTypes: {},
      remoteParent: false,
      before: 0,
      after: 0,
      gap: 0,
      concurrent: false,
      async: false,
      slowExtra: 0,
      start: 0,
      end: 0,
      spanId: '',
      status: 'Unset',
      statusMessage: '',
      exception: null,
      linkTo: null,
    };
    parent?.children.push(node);
    return node;
  }

  private int(node: SpanNode, key: string, value: number): void {
    node.attributes[key] = String(value);
    node.attributeTypes[key] = 'int';
  }

  private path(route: string): string {
    const id = route.includes('/products')
      ? this.ctx.productId
      : route.includes('/users')
        ? this.ctx.userId
        : this.ctx.orderId;
    return route.replace('{id}', String(id)).replace('{slug}', this.ctx.slug);
  }

  /** An HTTP server span for an operation; `caller` is the client span when there is one. */
  private serve(op: Operation, caller: SpanNode | null, callerInstance: ServiceInstance | null): SpanNode {
    const instance = this.instanceOf(op.service);
    const method = op.method ?? 'GET';
    const route = op.route ?? '/';
    const server = this.node(caller, instance, 'httpServer', 'server', `${method} ${route}`, 'Server');
    server.remoteParent = caller !== null;
    const a = server.attributes;
    a['http.request.method'] = method;
    a['http.route'] = route;
    a['url.path'] = this.path(route);
    a['url.scheme'] = 'http';
    a['server.address'] = `${op.service}.shop.svc`;
    this.int(server, 'server.port', instance.def.port);
    a['network.protocol.version'] = '1.1';
    a['client.address'] = callerInstance?.address ?? `203.0.113.${this.rng.int(1, 254)}`;
    a['user_agent.original'] = callerInstance
      ? CLIENT_USER_AGENT[callerInstance.def.language]
      : (this.ctx.userAgent ?? '');
    this.int(server, 'http.response.status_code', op.status ?? 200);
    if (!caller || op.service === 'gateway') a['enduser.id'] = this.ctx.userId;
    if (!caller || op.service === 'gateway' || op.service === 'orders') a.org_id = this.ctx.orgId;
    server.before = this.self(op.ms) * 0.6;
    server.after = this.self(op.ms) * 0.4;
    this.steps(op.steps, server);
    return server;
  }

  private steps(steps: readonly Step[], parent: SpanNode): void {
    for (const step of steps) this.step(step, parent);
  }

  private repeats(step: Step): number {
    if (step.repeat === 'big') return this.ctx.bigRepeat;
    if (!step.repeat) return 1;
    return Math.max(1, Math.round(this.rng.int(step.repeat[0], step.repeat[1]) * this.ctx.fanout));
  }

  private step(step: Step, parent: SpanNode): void {
    if (step.p !== undefined && !this.rng.chance(step.p)) return;
    const first = parent.children.length;
    if ('parallel' in step) {
      for (const inner of step.parallel) this.step(inner, parent);
      this.concurrentFrom(parent, first);
      return;
    }
    const times = this.repeats(step);
    for (let i = 0; i < times; i++) {
      if ('call' in step) this.call(step.call, parent);
      else if ('db' in step) this.db(step.db, parent);
      else if ('external' in step) this.external(step.external, parent);
      else if ('internal' in step) this.internal(step.internal, step.ms, step.steps ?? [], parent);
      else if ('publish' in step) this.publish(step.publish, parent);
    }
    if (step.concurrent) this.concurrentFrom(parent, first);
  }

  /** The children added since `first` all start together. */
  private concurrentFrom(parent: SpanNode, first: number): void {
    for (let i = first + 1; i < parent.children.length; i++) {
      parent.children[i].concurrent = true;
      parent.children[i].gap = this.rng.uniform(0.02, 0.2) * MS;
    }
  }

  private call(target: string, parent: SpanNode): void {
    const op = OPERATIONS[target];
    const method = op.method ?? 'GET';
    const path = this.path(op.route ?? '/');
    const callee = this.instanceOf(op.service).def.port;
    // Span names of HTTP clients are the method alone: the URL template is not known to them.
    const client = this.node(parent, parent.instance, 'httpClient', 'client', method, 'Client');
    const a = client.attributes;
    a['http.request.method'] = method;
    a['url.full'] = `http://${op.service}.shop.svc:${callee}${path}`;
    a['server.address'] = `${op.service}.shop.svc`;
    this.int(client, 'server.port', callee);
    a['network.protocol.version'] = '1.1';
    this.int(client, 'http.response.status_code', op.status ?? 200);
    client.gap = this.rng.uniform(0.01, 0.3) * MS;
    // Network and connection time on each side of the callee's server span.
    client.before = this.rng.logNormal(0.35 * MS, 0.4);
    client.after = this.rng.logNormal(0.25 * MS, 0.4);
    this.serve(op, client, parent.instance);
  }

  private db(statement: DbStatement, parent: SpanNode): void {
    const redis = statement.store.system === 'redis';
    const name = redis ? statement.operation : `${statement.operation} ${statement.collection}`;
    const node = this.node(parent, parent.instance, redis ? 'redis' : 'postgresql', 'db', name, 'Client');
    const a = node.attributes;
    a['db.system.name'] = statement.store.system;
    a['db.namespace'] = statement.store.namespace;
    if (!redis) a['db.collection.name'] = statement.collection;
    a['db.operation.name'] = statement.operation;
    a['db.query.text'] = statement.query;
    a['server.address'] = statement.store.address;
    this.int(node, 'server.port', statement.store.port);
    node.gap = this.rng.uniform(0.01, 0.15) * MS;
    node.before = this.rng.logNormal(statement.ms * MS, 0.6);
  }

  private external(api: ExternalApi, parent: SpanNode): void {
    const node = this.node(parent, parent.instance, 'httpClient', 'external', api.method, 'Client');
    const a = node.attributes;
    a['http.request.method'] = api.method;
    a['url.full'] = `https://${api.address}${api.path}`;
    a['server.address'] = api.address;
    this.int(node, 'server.port', 443);
    a['peer.service'] = api.peerService;
    a['network.protocol.version'] = '1.1';
    this.int(node, 'http.response.status_code', 200);
    node.gap = this.rng.uniform(0.02, 0.3) * MS;
    node.before = this.rng.logNormal(api.ms * MS, 0.35);
  }

  private internal(name: string, ms: number, steps: readonly Step[], parent: SpanNode): void {
    const node = this.node(parent, parent.instance, 'internal', 'internal', name, 'Internal');
    node.gap = this.rng.uniform(0.01, 0.1) * MS;
    node.before = this.self(ms) * 0.7;
    node.after = this.self(ms) * 0.3;
    this.steps(steps, node);
  }

  private publish(topic: string, parent: SpanNode): SpanNode {
    const producer = this.node(parent, parent.instance, 'kafka', 'producer', `send ${topic}`, 'Producer');
    const messageId = this.rng.hex(16);
    const partition = String(this.rng.int(0, 11));
    const a = producer.attributes;
    a['messaging.system'] = MESSAGE_BROKER.system;
    a['messaging.destination.name'] = topic;
    a['messaging.operation.type'] = 'send';
    a['messaging.operation.name'] = 'send';
    a['messaging.message.id'] = messageId;
    a['messaging.destination.partition.id'] = partition;
    a['messaging.kafka.message.key'] = String(this.ctx.orderId);
    a['server.address'] = MESSAGE_BROKER.address;
    this.int(producer, 'server.port', MESSAGE_BROKER.port);
    producer.gap = this.rng.uniform(0.02, 0.2) * MS;
    producer.before = this.rng.logNormal(1.2 * MS, 0.5);

    const op = OPERATIONS[CONSUMERS[topic]];
    const instance = this.instanceOf(op.service);
    const consumer = this.node(producer, instance, 'kafka', 'consumer', `process ${topic}`, 'Consumer');
    consumer.remoteParent = true;
    consumer.async = true;
    consumer.linkTo = producer;
    const c = consumer.attributes;
    c['messaging.system'] = MESSAGE_BROKER.system;
    c['messaging.destination.name'] = topic;
    c['messaging.operation.type'] = 'process';
    c['messaging.operation.name'] = 'process';
    c['messaging.consumer.group.name'] = op.service;
    c['messaging.message.id'] = messageId;
    c['messaging.destination.partition.id'] = partition;
    this.int(consumer, 'messaging.kafka.offset', this.rng.int(1_000_000, 90_000_000));
    c['server.address'] = MESSAGE_BROKER.address;
    // Queue lag between the publish and the pick-up.
    consumer.gap = this.rng.logNormal(12 * MS, 0.8);
    consumer.before = this.self(op.ms) * 0.6;
    consumer.after = this.self(op.ms) * 0.4;
    this.steps(op.steps, consumer);
    return producer;
  }
}
