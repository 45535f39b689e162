import type { Retention, StoreOptions } from '@tracehouse/store';
import type { Config } from './schema';

const seconds = (ms: number) => ms / 1000;

/** Retention per table family, seconds. */
export function retentionSeconds(config: Config): Retention {
  return {
    spansRecent: seconds(config['retention.spansRecent']),
    spans: seconds(config['retention.spans']),
    logs: seconds(config['retention.logs']),
    metrics: seconds(config['retention.metrics']),
  };
}

/** The store's options from the configuration (the server and the user CLI open it the same way). */
export function storeOptions(config: Config, overrides: Partial<StoreOptions> = {}): StoreOptions {
  return {
    dataDir: config['storage.dataDir'],
    url: config['storage.clickhouseUrl'] || undefined,
    retention: retentionSeconds(config),
    writer: {
      batchRows: config['ingest.batchRows'],
      flushIntervalMs: config['ingest.flushInterval'],
      maxQueuedBytes: config['ingest.maxQueuedBytes'],
      maxInsertRows: config['ingest.maxInsertRows'],
    },
    journal:
      config['ingest.journal'] && !config['storage.clickhouseUrl']
        ? { intervalMs: config['ingest.journalInterval'] }
        : false,
    tagSampleRate: config['search.tagSampleRate'],
    traceCache: { maxSpans: config['query.traceCacheSpans'], ttlMs: config['query.traceCacheTtl'] },
    tagCacheTtlMs: config['query.tagCacheTtl'],
    ...overrides,
  };
}
