import { context, propagation, type Span, SpanStatusCode, trace } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions'

let provider: NodeTracerProvider | undefined

/**
 * Sets the OpenTelemetry SDK up once per process. Spans are exported over OTLP/HTTP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise they are created (so trace ids still cross NATS
 * in `traceparent`) but not exported.
 */
export function initTracing(serviceName: string, env = process.env): NodeTracerProvider {
  if (provider) return provider
  const exporting = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? serviceName }),
    spanProcessors: exporting ? [new BatchSpanProcessor(new OTLPTraceExporter())] : [],
  })
  provider.register()
  return provider
}

export async function shutdownTracing(): Promise<void> {
  await provider?.shutdown()
  provider = undefined
}

export type HeaderCarrier = { get(key: string): string | undefined; set(key: string, value: string): void }

/** Writes the active context's `traceparent` into a carrier (NATS headers, HTTP headers). */
export function injectTrace(carrier: HeaderCarrier, ctx = context.active()): void {
  propagation.inject(ctx, carrier, {
    set: (c, k, v) => c.set(k, v),
  })
}

/** Runs fn in a span whose parent is the trace found in the carrier, if any. */
export async function withSpan<T>(
  name: string,
  carrier: HeaderCarrier | undefined,
  attributes: Record<string, string | number | boolean>,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = carrier
    ? propagation.extract(context.active(), carrier, {
        get: (c, k) => c.get(k),
        keys: () => ['traceparent', 'tracestate'],
      })
    : context.active()
  const span = trace.getTracer('csms').startSpan(name, { attributes }, parent)
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span))
  } catch (error) {
    span.recordException(error as Error)
    span.setStatus({ code: SpanStatusCode.ERROR })
    throw error
  } finally {
    span.end()
  }
}
