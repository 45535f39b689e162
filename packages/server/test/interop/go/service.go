package main

// The Go service of the three-language trace: POST /checkout (called by the Node service)
// publishes an order to the test's queue with the W3C context in the message attributes;
// POST /callback is what the Python consumer calls back.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

type message struct {
	Attributes map[string]string `json:"attributes"`
	Body       string            `json:"body"`
}

func serve(ctx context.Context, base, queueURL string) error {
	p, err := newProviders(ctx, "http/protobuf", base, "interop-go-service")
	if err != nil {
		return err
	}
	tracer := p.traces.Tracer("interop-go-service")
	propagator := otel.GetTextMapPropagator()

	// Each handler flushes its spans before answering, so the test never waits on a batch timer.
	handle := func(route string, work func(ctx context.Context) error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			parent := propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
			spanCtx, span := tracer.Start(parent, "POST "+route, trace.WithSpanKind(trace.SpanKindServer),
				trace.WithAttributes(attribute.String("http.route", route), attribute.String("http.request.method", "POST")))
			err := work(spanCtx)
			span.End()
			_ = p.traces.ForceFlush(r.Context())
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			w.WriteHeader(http.StatusAccepted)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /checkout", handle("/checkout", func(ctx context.Context) error {
		ctx, span := tracer.Start(ctx, "orders publish", trace.WithSpanKind(trace.SpanKindProducer),
			trace.WithAttributes(attribute.String("messaging.destination.name", "orders"), attribute.String("messaging.operation.type", "send")))
		defer span.End()
		msg := message{Attributes: map[string]string{}, Body: "order-1"}
		propagator.Inject(ctx, propagation.MapCarrier(msg.Attributes))
		body, _ := json.Marshal(msg)
		res, err := http.Post(queueURL+"/publish", "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if res.StatusCode >= 300 {
			return fmt.Errorf("queue answered %d", res.StatusCode)
		}
		return nil
	}))
	mux.HandleFunc("POST /callback", handle("/callback", func(context.Context) error { return nil }))

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("listening %d\n", listener.Addr().(*net.TCPAddr).Port)
	server := &http.Server{Handler: mux}
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
		<-stop
		_ = server.Shutdown(context.Background())
	}()
	if err := server.Serve(listener); err != http.ErrServerClosed {
		return err
	}
	return p.shutdown(context.Background())
}
