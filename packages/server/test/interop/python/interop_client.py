"""The Python side of tracehouse's interop tests, on the official OpenTelemetry Python SDK.

    interop_client.py emit <protocol> <base-url> <service>   exports the shared signal set, prints the ids
    interop_client.py consume <base-url> <queue-url> <go-url> the consumer of the three-language trace

protocol is http/protobuf or grpc (the Python SDK has no OTLP/JSON exporter).
"""

import json
import sys
import time
import urllib.request

from opentelemetry import baggage, context, propagate, trace
from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.processor.baggage import ALLOW_ALL_BAGGAGE_KEYS, BaggageSpanProcessor
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Link, SpanKind, Status, StatusCode


def exporters(protocol, base):
    if protocol == "http/protobuf":
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return (
            OTLPSpanExporter(endpoint=f"{base}/v1/traces"),
            OTLPLogExporter(endpoint=f"{base}/v1/logs"),
            OTLPMetricExporter(endpoint=f"{base}/v1/metrics"),
        )
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        endpoint = base.removeprefix("http://")
        return (
            OTLPSpanExporter(endpoint=endpoint, insecure=True),
            OTLPLogExporter(endpoint=endpoint, insecure=True),
            OTLPMetricExporter(endpoint=endpoint, insecure=True),
        )
    raise SystemExit(f"unsupported protocol {protocol!r}")


class Providers:
    def __init__(self, protocol, base, service):
        resource = Resource.create(
            {"service.name": service, "service.version": "1.0.0", "deployment.environment.name": "interop"}
        )
        span_exporter, log_exporter, metric_exporter = exporters(protocol, base.rstrip("/"))
        self.traces = TracerProvider(resource=resource)
        self.traces.add_span_processor(BaggageSpanProcessor(ALLOW_ALL_BAGGAGE_KEYS))
        self.traces.add_span_processor(BatchSpanProcessor(span_exporter))
        self.logs = LoggerProvider(resource=resource)
        self.logs.add_log_record_processor(BatchLogRecordProcessor(log_exporter))
        self.metrics = MeterProvider(resource=resource, metric_readers=[PeriodicExportingMetricReader(metric_exporter)])

    def shutdown(self):
        self.traces.shutdown()
        self.logs.shutdown()
        self.metrics.shutdown()


def hex_ids(span):
    ctx = span.get_span_context()
    return format(ctx.trace_id, "032x"), format(ctx.span_id, "016x")


def emit(providers):
    """The signal set every interop client sends (see expected.ts)."""
    tracer = providers.traces.get_tracer("interop")
    linked = tracer.start_span("interop.linked", kind=SpanKind.PRODUCER)
    linked.end()
    root = tracer.start_span(
        "interop.root",
        kind=SpanKind.SERVER,
        attributes={
            "str": "text",
            "int": 42,
            "big": 9007199254740993,
            "double": 3.5,
            "bool": True,
            "strs": ["a", "b"],
            "ints": [1, 2],
            "doubles": [1.5, 2.5],
            "bools": [True, False],
        },
    )
    root.add_event("interop.event", {"event.n": 7})
    root_ctx = trace.set_span_in_context(root)
    child = tracer.start_span(
        "interop.child",
        context=root_ctx,
        kind=SpanKind.CLIENT,
        links=[Link(linked.get_span_context(), {"link.kind": "follows"})],
    )
    child.set_status(Status(StatusCode.ERROR, "boom"))
    child.end()
    providers.logs.get_logger("interop").emit(
        LogRecord(
            timestamp=time.time_ns(),
            context=root_ctx,
            severity_text="WARN",
            severity_number=SeverityNumber.WARN,
            body="hello interop",
            attributes={"bytes": b"\x01\x02\xff", "int": 42, "double": 3.5, "bool": True, "strs": ["a", "b"]},
        )
    )
    root.end()

    meter = providers.metrics.get_meter("interop")
    meter.create_counter("interop.requests").add(3, {"route": "/a"})
    histogram = meter.create_histogram("interop.duration", unit="s")
    for value in (0.1, 0.2, 0.4):
        histogram.record(value, {"route": "/a"})
    meter.create_gauge("interop.queue.depth").set(5)

    trace_id, root_span_id = hex_ids(root)
    linked_trace_id, linked_span_id = hex_ids(linked)
    return {
        "traceId": trace_id,
        "rootSpanId": root_span_id,
        "childSpanId": hex_ids(child)[1],
        "linkedTraceId": linked_trace_id,
        "linkedSpanId": linked_span_id,
    }


def post_json(url, document, headers=None):
    request = urllib.request.Request(
        url, data=json.dumps(document).encode(), headers={"content-type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def consume(providers, queue_url, go_url):
    """Takes one message, continues its trace from the message attributes, calls the Go service back."""
    tracer = providers.traces.get_tracer("interop-python-consumer")
    message = post_json(f"{queue_url}/receive", {})
    parent = propagate.extract(message["attributes"])
    token = context.attach(parent)
    try:
        with tracer.start_as_current_span(
            "orders process",
            kind=SpanKind.CONSUMER,
            attributes={"messaging.destination.name": "orders", "messaging.operation.type": "process"},
        ):
            with tracer.start_as_current_span("POST", kind=SpanKind.CLIENT, attributes={"http.request.method": "POST"}):
                headers = {}
                propagate.inject(headers)
                post_json(f"{go_url}/callback", {}, headers)
        print(json.dumps({"enduser.id": baggage.get_baggage("enduser.id", parent)}), flush=True)
    finally:
        context.detach(token)


def main(args):
    if len(args) == 4 and args[0] == "emit":
        providers = Providers(args[1], args[2], args[3])
        ids = emit(providers)
        providers.shutdown()
        print(json.dumps(ids), flush=True)
    elif len(args) == 4 and args[0] == "consume":
        providers = Providers("http/protobuf", args[1], "interop-python-consumer")
        consume(providers, args[2].rstrip("/"), args[3].rstrip("/"))
        providers.shutdown()
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
