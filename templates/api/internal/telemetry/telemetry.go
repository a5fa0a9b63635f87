// Package telemetry sends the API's traces and metrics to an OpenTelemetry
// collector over OTLP/HTTP, when OTEL_EXPORTER_OTLP_ENDPOINT names one
// (such as http://otel-collector:4318). The exporters read the other
// standard OTEL_* variables themselves (OTEL_EXPORTER_OTLP_HEADERS for a
// vendor's key, timeouts, OTEL_RESOURCE_ATTRIBUTES), so any collector or
// vendor that speaks OTLP works without code.
package telemetry

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// Telemetry is what Start set up; its zero value (telemetry off) changes
// nothing.
type Telemetry struct {
	shutdown []func(context.Context) error
}

// Start sets up tracing and metrics when getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
// is set, naming the service service unless OTEL_SERVICE_NAME does; without
// it, nothing is set up and nothing is sent. Call Shutdown before exiting:
// it sends what is still buffered. Failures to send are logged to log.
func Start(ctx context.Context, service string, getenv func(string) string, log *slog.Logger) (*Telemetry, error) {
	t := &Telemetry{}
	endpoint := strings.TrimSuffix(getenv("OTEL_EXPORTER_OTLP_ENDPOINT"), "/")
	if endpoint == "" {
		return t, nil
	}
	res, err := resource.New(ctx, resource.WithTelemetrySDK(), resource.WithFromEnv(),
		resource.WithAttributes(semconv.ServiceName(cmp.Or(getenv("OTEL_SERVICE_NAME"), service))))
	if err != nil {
		return nil, err
	}
	// The paths are those OTEL_EXPORTER_OTLP_ENDPOINT implies.
	traces, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(endpoint+"/v1/traces"))
	if err != nil {
		return nil, err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(traces), sdktrace.WithResource(res))
	t.shutdown = append(t.shutdown, tp.Shutdown)
	metrics, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpointURL(endpoint+"/v1/metrics"))
	if err != nil {
		return nil, errors.Join(err, t.Shutdown(ctx))
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewPeriodicReader(metrics)), sdkmetric.WithResource(res))
	t.shutdown = append(t.shutdown, mp.Shutdown)
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		log.Warn("OpenTelemetry", "err", err)
	}))
	otel.SetTracerProvider(tp)
	otel.SetMeterProvider(mp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	return t, nil
}

// On reports whether telemetry is on.
func (t *Telemetry) On() bool { return len(t.shutdown) > 0 }

// Handler traces and measures every request h serves (otelhttp: a span
// per request, the http.server.* metrics), when telemetry is on; off, it
// is h itself, at no cost.
func (t *Telemetry) Handler(h http.Handler) http.Handler {
	if !t.On() {
		return h
	}
	return otelhttp.NewHandler(h, "http.server", otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
		// The route ("GET /api/notes/{id}"), not the path: one name per
		// endpoint, whatever the ids.
		if r.Pattern != "" {
			return r.Pattern
		}
		return r.Method
	}))
}

// Shutdown sends what is buffered and stops the exporters.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	var err error
	for _, shutdown := range t.shutdown {
		err = errors.Join(err, shutdown(ctx))
	}
	t.shutdown = nil
	return err
}
