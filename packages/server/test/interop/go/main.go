// The Go side of tracehouse's interop tests, on the official OpenTelemetry Go SDK.
//
//	interop-go emit <protocol> <base-url> <service>  exports the shared signal set, prints the ids
//	interop-go service <base-url> <queue-url>        the Go service of the three-language trace
//
// protocol is http/protobuf or grpc (the Go SDK has no OTLP/JSON exporter).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/processors/baggagecopy"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

type providers struct {
	traces  *sdktrace.TracerProvider
	logs    *sdklog.LoggerProvider
	metrics *sdkmetric.MeterProvider
}

func (p providers) shutdown(ctx context.Context) error {
	return errors.Join(p.traces.Shutdown(ctx), p.logs.Shutdown(ctx), p.metrics.Shutdown(ctx))
}

// newProviders exports every signal with the given protocol to base (http://host:port).
func newProviders(ctx context.Context, protocol, base, service string) (providers, error) {
	res := resource.NewWithAttributes("",
		attribute.String("service.name", service),
		attribute.String("service.version", "1.0.0"),
		attribute.String("deployment.environment.name", "interop"),
	)
	var (
		spanExporter   sdktrace.SpanExporter
		logExporter    sdklog.Exporter
		metricExporter sdkmetric.Exporter
		err            error
	)
	switch protocol {
	case "http/protobuf":
		spanExporter, err = otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(base+"/v1/traces"))
		if err == nil {
			logExporter, err = otlploghttp.New(ctx, otlploghttp.WithEndpointURL(base+"/v1/logs"))
		}
		if err == nil {
			metricExporter, err = otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpointURL(base+"/v1/metrics"))
		}
	case "grpc":
		spanExporter, err = otlptracegrpc.New(ctx, otlptracegrpc.WithEndpointURL(base))
		if err == nil {
			logExporter, err = otlploggrpc.New(ctx, otlploggrpc.WithEndpointURL(base))
		}
		if err == nil {
			metricExporter, err = otlpmetricgrpc.New(ctx, otlpmetricgrpc.WithEndpointURL(base))
		}
	default:
		err = fmt.Errorf("unsupported protocol %q", protocol)
	}
	if err != nil {
		return providers{}, err
	}
	return providers{
		traces: sdktrace.NewTracerProvider(
			sdktrace.WithResource(res),
			sdktrace.WithSpanProcessor(baggagecopy.NewSpanProcessor(baggagecopy.AllowAllMembers)),
			sdktrace.WithBatcher(spanExporter),
		),
		logs:    sdklog.NewLoggerProvider(sdklog.WithResource(res), sdklog.WithProcessor(sdklog.NewBatchProcessor(logExporter))),
		metrics: sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(sdkmetric.NewPeriodicReader(metricExporter))),
	}, nil
}

// emitted is what the test compares against what tracehouse returns.
type emitted struct {
	TraceID       string `json:"traceId"`
	RootSpanID    string `json:"rootSpanId"`
	ChildSpanID   string `json:"childSpanId"`
	LinkedTraceID string `json:"linkedTraceId"`
	LinkedSpanID  string `json:"linkedSpanId"`
}

// emit sends the signal set every interop client sends (see interop/expected.ts).
func emit(ctx context.Context, p providers) emitted {
	tracer := p.traces.Tracer("interop")
	_, linked := tracer.Start(ctx, "interop.linked", trace.WithSpanKind(trace.SpanKindProducer))
	linked.End()

	rootCtx, root := tracer.Start(ctx, "interop.root", trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(
		attribute.String("str", "text"),
		attribute.Int64("int", 42),
		attribute.Int64("big", 9007199254740993),
		attribute.Float64("double", 3.5),
		attribute.Bool("bool", true),
		attribute.StringSlice("strs", []string{"a", "b"}),
		attribute.Int64Slice("ints", []int64{1, 2}),
		attribute.Float64Slice("doubles", []float64{1.5, 2.5}),
		attribute.BoolSlice("bools", []bool{true, false}),
	))
	root.AddEvent("interop.event", trace.WithAttributes(attribute.Int64("event.n", 7)))
	_, child := tracer.Start(rootCtx, "interop.child", trace.WithSpanKind(trace.SpanKindClient), trace.WithLinks(trace.Link{
		SpanContext: linked.SpanContext(),
		Attributes:  []attribute.KeyValue{attribute.String("link.kind", "follows")},
	}))
	child.SetStatus(codes.Error, "boom")
	child.End()

	var record otellog.Record
	record.SetTimestamp(time.Now())
	record.SetBody(attribute.StringValue("hello interop"))
	record.SetSeverity(otellog.SeverityWarn)
	record.SetSeverityText("WARN")
	record.AddAttributes(
		attribute.ByteSlice("bytes", []byte{0x01, 0x02, 0xff}),
		attribute.Int64("int", 42),
		attribute.Float64("double", 3.5),
		attribute.Bool("bool", true),
		attribute.StringSlice("strs", []string{"a", "b"}),
	)
	p.logs.Logger("interop").Emit(rootCtx, record)
	root.End()

	meter := p.metrics.Meter("interop")
	counter, _ := meter.Int64Counter("interop.requests")
	counter.Add(ctx, 3, metric.WithAttributes(attribute.String("route", "/a")))
	histogram, _ := meter.Float64Histogram("interop.duration", metric.WithUnit("s"))
	for _, v := range []float64{0.1, 0.2, 0.4} {
		histogram.Record(ctx, v, metric.WithAttributes(attribute.String("route", "/a")))
	}
	gauge, _ := meter.Int64Gauge("interop.queue.depth")
	gauge.Record(ctx, 5)

	rootContext := root.SpanContext()
	return emitted{
		TraceID:       rootContext.TraceID().String(),
		RootSpanID:    rootContext.SpanID().String(),
		ChildSpanID:   child.SpanContext().SpanID().String(),
		LinkedTraceID: linked.SpanContext().TraceID().String(),
		LinkedSpanID:  linked.SpanContext().SpanID().String(),
	}
}

func main() {
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "interop-go:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	ctx := context.Background()
	switch {
	case len(args) == 4 && args[0] == "emit":
		p, err := newProviders(ctx, args[1], strings.TrimRight(args[2], "/"), args[3])
		if err != nil {
			return err
		}
		ids := emit(ctx, p)
		if err := p.shutdown(ctx); err != nil {
			return err
		}
		return json.NewEncoder(os.Stdout).Encode(ids)
	case len(args) == 3 && args[0] == "service":
		return serve(ctx, strings.TrimRight(args[1], "/"), args[2])
	}
	return errors.New("usage: interop-go emit <protocol> <base-url> <service> | service <base-url> <queue-url>")
}
