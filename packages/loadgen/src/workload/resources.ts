import type { ResourceScopeColumns } from '@tracehouse/otlp';
import type { Random } from './random';
import { type Language, SERVICES, type ServiceDef } from './topology';

/** Which instrumentation library produced a span or log, per the OpenTelemetry scope. */
export type ScopeCategory = 'httpServer' | 'httpClient' | 'postgresql' | 'redis' | 'kafka' | 'internal' | 'logs';

/** One running copy of a service: its resource, and the scope columns of each instrumentation. */
export interface ServiceInstance {
  def: ServiceDef;
  /** Pod IP, used as client.address by the services it calls. */
  address: string;
  /** Resource + scope columns to copy onto a record, one object per scope category. */
  columns: Readonly<Record<ScopeCategory, ResourceScopeColumns>>;
}

const SDK_VERSION: Record<Language, string> = { nodejs: '2.12.0', go: '1.38.0', java: '1.54.1', python: '1.37.0' };

const CONTRIB = {
  nodejs: '0.205.0',
  go: '0.63.0',
  java: '2.20.0-alpha',
  python: '0.58b0',
} as const satisfies Record<Language, string>;

/** Scope names as each language's instrumentation reports them. */
function scopeFor(language: Language, category: ScopeCategory, service: ServiceDef): [string, string] {
  if (category === 'internal') return [service.name, service.version];
  const table: Record<Language, Record<Exclude<ScopeCategory, 'internal'>, string>> = {
    nodejs: {
      httpServer: '@opentelemetry/instrumentation-http',
      httpClient: '@opentelemetry/instrumentation-undici',
      postgresql: '@opentelemetry/instrumentation-pg',
      redis: '@opentelemetry/instrumentation-ioredis',
      kafka: '@opentelemetry/instrumentation-kafkajs',
      logs: '@opentelemetry/instrumentation-pino',
    },
    go: {
      httpServer: 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp',
      httpClient: 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp',
      postgresql: 'github.com/XSAM/otelsql',
      redis: 'github.com/redis/go-redis/extra/redisotel',
      kafka: 'github.com/IBM/sarama/otelsarama',
      logs: 'go.opentelemetry.io/contrib/bridges/otelslog',
    },
    java: {
      httpServer: 'io.opentelemetry.tomcat-10.0',
      httpClient: 'io.opentelemetry.java-http-client',
      postgresql: 'io.opentelemetry.jdbc',
      redis: 'io.opentelemetry.lettuce-5.1',
      kafka: 'io.opentelemetry.kafka-clients-2.6',
      logs: `com.shop.${service.name}.Application`,
    },
    python: {
      httpServer: 'opentelemetry.instrumentation.flask',
      httpClient: 'opentelemetry.instrumentation.requests',
      postgresql: 'opentelemetry.instrumentation.psycopg',
      redis: 'opentelemetry.instrumentation.redis',
      kafka: 'opentelemetry.instrumentation.kafka',
      logs: `${service.name}.app`,
    },
  };
  const name = table[language][category];
  // Logger-named scopes (Java, Python) carry no version.
  const version = category === 'logs' && (language === 'java' || language === 'python') ? '' : CONTRIB[language];
  return [name, version];
}

const CATEGORIES: readonly ScopeCategory[] = [
  'httpServer',
  'httpClient',
  'postgresql',
  'redis',
  'kafka',
  'internal',
  'logs',
];

function uuid(rng: Random): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Every instance of every service. Records copy these objects by reference: the encoder
 * groups records by resource and scope, and sharing keeps template generation cheap.
 */
export function createInstances(rng: Random, environment: string): Map<string, ServiceInstance[]> {
  const byService = new Map<string, ServiceInstance[]>();
  let ip = 10;
  for (const def of SERVICES) {
    const instances: ServiceInstance[] = [];
    for (let i = 0; i < def.instances; i++) {
      const pod = `${def.name}-${rng.hex(10).replace(/^(.{5})/, '$1-')}`;
      const resourceAttributes: Record<string, string> = {
        'service.name': def.name,
        'service.namespace': 'shop',
        'service.version': def.version,
        'service.instance.id': uuid(rng),
        'deployment.environment.name': environment,
        'host.name': pod,
        'k8s.pod.name': pod,
        'k8s.namespace.name': 'shop',
        'process.pid': String(rng.int(1, 4) === 1 ? 1 : rng.int(7, 32000)),
        'telemetry.sdk.name': 'opentelemetry',
        'telemetry.sdk.language': def.language,
        'telemetry.sdk.version': SDK_VERSION[def.language],
      };
      const resourceTypes = { 'process.pid': 'int' } as const;
      const columns = {} as Record<ScopeCategory, ResourceScopeColumns>;
      for (const category of CATEGORIES) {
        const [scopeName, scopeVersion] = scopeFor(def.language, category, def);
        columns[category] = {
          ServiceName: def.name,
          ResourceAttributes: resourceAttributes,
          ResourceAttributeTypes: resourceTypes,
          ResourceDroppedAttributesCount: 0,
          ResourceSchemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
          ScopeName: scopeName,
          ScopeVersion: scopeVersion,
          ScopeAttributes: {},
          ScopeAttributeTypes: {},
          ScopeDroppedAttributesCount: 0,
          ScopeSchemaUrl: '',
        };
      }
      instances.push({ def, address: `10.42.${ip}.${rng.int(2, 250)}`, columns });
      ip++;
    }
    byService.set(def.name, instances);
  }
  return byService;
}
