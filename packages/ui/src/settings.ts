// Settings only the server knows (GET /api/v1/ui/settings), read once per page load.
import { useEffect, useState } from 'react';
import { getJson } from './api';

export interface UiSettings {
  otlpHttpPort: number | null;
  otlpGrpcPort: number | null;
  tls: boolean;
}

let cached: Promise<UiSettings | null> | null = null;
function load(): Promise<UiSettings | null> {
  cached ??= getJson<UiSettings>('/api/v1/ui/settings').catch(() => null);
  return cached;
}

/** The OTLP endpoints to show in instructions: the server's own ports, the defaults until known. */
export function useOtlpEndpoints(): { http: string; grpc: string; known: boolean } {
  const [s, setS] = useState<UiSettings | null>(null);
  useEffect(() => {
    load().then(setS);
  }, []);
  const host = location.hostname || 'localhost';
  const scheme = s?.tls ? 'https' : 'http';
  return {
    http: `${scheme}://${host}:${s?.otlpHttpPort ?? 4318}`,
    grpc: `${scheme}://${host}:${s?.otlpGrpcPort ?? 4317}`,
    known: Boolean(s?.otlpHttpPort),
  };
}
