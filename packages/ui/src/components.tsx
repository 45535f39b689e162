import type { ReactNode } from 'react';
import { useOtlpEndpoints } from './settings';

export function Loading({ what }: { what: string }) {
  return <div className="loading">Loading {what}…</div>;
}

export function Problem({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="problem" role="alert">
      <h3>{title}</h3>
      <div>{children}</div>
    </div>
  );
}

/** What to do when there is nothing to show yet: where to send OTLP. */
export function HowToSend({ what }: { what: string }) {
  const { http, grpc, known } = useOtlpEndpoints();
  return (
    <div className="empty" data-testid="empty-state">
      <h3>No {what} yet</h3>
      <p>
        tracehouse receives OpenTelemetry data over OTLP: <code>{http}</code> (HTTP, <code>POST /v1/traces</code>,{' '}
        <code>/v1/logs</code>, <code>/v1/metrics</code>) and <code>{grpc}</code> (gRPC)
        {known ? ', the ports this server listens on' : ' (the default ports; see the startup banner)'}.
      </p>
      <p>Point any OpenTelemetry SDK or Collector at it with environment variables:</p>
      <pre>
        {`OTEL_EXPORTER_OTLP_ENDPOINT=${http}
OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf   # or grpc (use ${grpc}), http/json
OTEL_SERVICE_NAME=my-service
OTEL_TRACES_EXPORTER=otlp
OTEL_LOGS_EXPORTER=otlp`}
      </pre>
      <p>
        Or generate realistic traffic: <code>npx tracehouse loadgen</code>. Widen the time range if you sent data
        earlier.
      </p>
    </div>
  );
}
