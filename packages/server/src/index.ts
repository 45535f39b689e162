// Public surface of @tracehouse/server.

export { createPrometheusApi, type PrometheusApi } from './api/prometheus/api';
export { main } from './cli';
export { type ConfigSources, loadConfig } from './config/load';
export { type Config, type ConfigKey, configKeys, envName } from './config/schema';
export { parseBytes, parseDuration } from './config/units';
export { type RunningServer, startServer } from './server';
