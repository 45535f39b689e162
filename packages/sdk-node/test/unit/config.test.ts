import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_BAGGAGE_KEYS, resolveConfig } from '../../src/config.js';
import type { Env } from '../../src/env.js';
import type { TracehouseOptions } from '../../src/options.js';

const resolve = (env: Env, options: TracehouseOptions = {}) => resolveConfig(options, env, () => 'generated-id');

test('no endpoint anywhere means disabled, with the reason', () => {
  const config = resolve({ OTEL_SERVICE_NAME: 'checkout' });
  assert.equal(config.enabled, false);
  assert.equal(config.disabledReason, 'no OTLP endpoint configured');
  assert.deepEqual(config.exports, {});
});

test('OTEL_SDK_DISABLED=true disables even with an endpoint; other values do not', () => {
  assert.equal(resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).enabled, false);
  assert.equal(resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'false' }).enabled, true);
  assert.equal(resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, { disabled: true }).enabled, false);
});

test('the base endpoint gets /v1/<signal> for HTTP, per-signal endpoints are used as-is', () => {
  const config = resolve({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs.example/custom',
  });
  assert.equal(config.exports.traces?.url, 'http://collector:4318/v1/traces');
  assert.equal(config.exports.metrics?.url, 'http://collector:4318/v1/metrics');
  assert.equal(config.exports.logs?.url, 'http://logs.example/custom');
  assert.equal(config.exports.traces?.protocol, 'http/protobuf');
});

test('gRPC uses the base endpoint without a path', () => {
  const config = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
  assert.equal(config.exports.traces?.url, 'http://collector:4317');
  assert.equal(config.exports.traces?.protocol, 'grpc');
});

test('a per-signal endpoint alone enables only that signal; OTEL_<SIGNAL>_EXPORTER=none removes one', () => {
  const only = resolve({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t/v1/traces' });
  assert.deepEqual(Object.keys(only.exports), ['traces']);
  const noMetrics = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_METRICS_EXPORTER: 'none' });
  assert.deepEqual(Object.keys(noMetrics.exports), ['traces', 'logs']);
});

test('protocols: per-signal env over global env, options over both; unknown ones warn and fall back', () => {
  const config = resolve({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'grpc',
  });
  assert.equal(config.exports.traces?.protocol, 'http/json');
  assert.equal(config.exports.logs?.protocol, 'grpc');
  assert.equal(
    resolve({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, { endpoint: 'http://c', protocol: 'http/json' }).exports.logs
      ?.protocol,
    'http/json',
  );
  const bad = resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' });
  assert.equal(bad.exports.traces?.protocol, 'http/protobuf');
  assert.match(bad.warnings.join('\n'), /unsupported OTLP protocol "thrift"/);
});

test('headers: percent-decoded env list, per-signal over global, options over both', () => {
  const config = resolve(
    {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc, x-tenant = t1,broken',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=t2',
    },
    { headers: { 'x-extra': 'yes' } },
  );
  assert.deepEqual(config.exports.traces?.headers, { Authorization: 'Bearer abc', 'x-tenant': 't2', 'x-extra': 'yes' });
  assert.deepEqual(config.exports.logs?.headers, { Authorization: 'Bearer abc', 'x-tenant': 't1', 'x-extra': 'yes' });
});

test('resource: options over OTEL_SERVICE_NAME over OTEL_RESOURCE_ATTRIBUTES; instance id generated when absent', () => {
  const fromEnv = resolve({
    OTEL_SERVICE_NAME: 'orders',
    OTEL_RESOURCE_ATTRIBUTES:
      'service.name=ignored,service.version=1.2.3,deployment.environment.name=staging,team=shop',
    NODE_ENV: 'production',
  });
  assert.deepEqual(fromEnv.resourceAttributes, {
    'service.name': 'orders',
    'service.version': '1.2.3',
    'deployment.environment.name': 'staging',
    'service.instance.id': 'generated-id',
    team: 'shop',
  });
  const fromOptions = resolve(
    {
      OTEL_SERVICE_NAME: 'orders',
      OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=pod-1',
      npm_package_version: '0.9.0',
    },
    { serviceName: 'billing', deploymentEnvironment: 'dev' },
  );
  assert.equal(fromOptions.resourceAttributes['service.name'], 'billing');
  assert.equal(fromOptions.resourceAttributes['service.version'], '0.9.0');
  assert.equal(fromOptions.resourceAttributes['deployment.environment.name'], 'dev');
  assert.equal(fromOptions.resourceAttributes['service.instance.id'], 'pod-1');
  assert.equal(resolve({}).resourceAttributes['service.name'], 'unknown_service:node');
});

test('sampler: parent-based always-on by default, env ratio samplers, sampleRatio option wins', () => {
  assert.deepEqual(resolve({}).sampler, { name: 'parentbased_always_on', ratio: 1 });
  assert.deepEqual(
    resolve({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).sampler,
    {
      name: 'parentbased_traceidratio',
      ratio: 0.25,
    },
  );
  assert.deepEqual(resolve({ OTEL_TRACES_SAMPLER: 'always_off' }, { sampleRatio: 0.1 }).sampler, {
    name: 'parentbased_traceidratio',
    ratio: 0.1,
  });
  const bad = resolve({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '7' });
  assert.equal(bad.sampler.ratio, 1);
  assert.match(bad.warnings.join(), /outside 0\.\.1/);
});

test('instrumentations: fs, dns and pino always off, plus env and option lists', () => {
  const config = resolve({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'net, redis' }, { disabledInstrumentations: ['pg'] });
  assert.deepEqual(config.disabledInstrumentations, ['fs', 'dns', 'pino', 'net', 'redis', 'pg']);
  assert.equal(config.enabledInstrumentations, undefined);
  assert.deepEqual(resolve({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,undici' }).enabledInstrumentations, [
    'http',
    'undici',
  ]);
});

test('baggage keys: defaults, TRACEHOUSE_BAGGAGE_KEYS, options', () => {
  assert.deepEqual(resolve({}).baggageKeys, DEFAULT_BAGGAGE_KEYS);
  assert.deepEqual(resolve({ TRACEHOUSE_BAGGAGE_KEYS: 'tenant.id, enduser.id' }).baggageKeys, [
    'tenant.id',
    'enduser.id',
  ]);
  assert.deepEqual(resolve({ TRACEHOUSE_BAGGAGE_KEYS: 'x' }, { baggageKeys: ['y'] }).baggageKeys, ['y']);
});

test('batch settings come from OTEL_BSP_* and OTEL_BLRP_*; invalid numbers fall back to defaults', () => {
  const config = resolve({
    OTEL_BSP_SCHEDULE_DELAY: '250',
    OTEL_BSP_MAX_QUEUE_SIZE: 'lots',
    OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '64',
  });
  assert.equal(config.spanBatch.scheduledDelayMillis, 250);
  assert.equal(config.spanBatch.maxQueueSize, 8192, 'our default, not NaN');
  assert.equal(config.logBatch.maxExportBatchSize, 64);
  assert.equal(resolve({ OTEL_METRIC_EXPORT_INTERVAL: '15000' }).metricExportIntervalMillis, 15_000);
});

test('HTTP duration histograms: off by default, TRACEHOUSE_HTTP_METRICS=true or the option turns them on', () => {
  assert.equal(resolve({}).httpMetrics, false);
  assert.equal(resolve({ TRACEHOUSE_HTTP_METRICS: 'true' }).httpMetrics, true);
  assert.equal(resolve({ TRACEHOUSE_HTTP_METRICS: 'true' }, { httpMetrics: false }).httpMetrics, false);
  assert.equal(resolve({}, { httpMetrics: true }).httpMetrics, true);
});

test('HTTP instrumentation: lean by default, upstream by option or TRACEHOUSE_HTTP_INSTRUMENTATION, warning on junk', () => {
  assert.equal(resolve({}).httpInstrumentation, 'lean');
  assert.equal(resolve({ TRACEHOUSE_HTTP_INSTRUMENTATION: 'Upstream' }).httpInstrumentation, 'upstream');
  assert.equal(
    resolve({ TRACEHOUSE_HTTP_INSTRUMENTATION: 'upstream' }, { httpInstrumentation: 'lean' }).httpInstrumentation,
    'lean',
  );
  assert.equal(resolve({}, { httpInstrumentation: 'upstream' }).httpInstrumentation, 'upstream');
  const junk = resolve({ TRACEHOUSE_HTTP_INSTRUMENTATION: 'fast' });
  assert.equal(junk.httpInstrumentation, 'lean');
  assert.ok(junk.warnings.some((warning) => warning.includes('TRACEHOUSE_HTTP_INSTRUMENTATION')));
});

test('service.version falls back to the package version, asked only when nothing else sets it', () => {
  let asked = 0;
  const packageVersion = () => {
    asked++;
    return '3.4.5';
  };
  const fromPackage = resolveConfig({}, {}, () => 'id', packageVersion);
  assert.equal(fromPackage.resourceAttributes['service.version'], '3.4.5');
  assert.equal(asked, 1);
  const fromNpm = resolveConfig({}, { npm_package_version: '0.9.0' }, () => 'id', packageVersion);
  assert.equal(fromNpm.resourceAttributes['service.version'], '0.9.0');
  assert.equal(asked, 1);
});
