import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions'
import { randomSpanId, randomTraceId } from './random-ids.js'

let provider: NodeTracerProvider | undefined
/** Spans go somewhere (an exporter is configured): only then are they worth recording. */
let exporting = false

/**
 * Sets the OpenTelemetry SDK up once per process. Spans are exported over OTLP/HTTP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise they are created (so trace ids still cross NATS
 * in `traceparent`) but not exported.
 */
export function initTracing(serviceName: string, env = process.env): NodeTracerProvider {
  if (provider) return provider
  exporting = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
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
  exporting = false
}

export type HeaderCarrier = { get(key: string): string | undefined; set(key: string, value: string): void }

/** Writes the active context's `traceparent` into a carrier (NATS headers, HTTP headers). */
export function injectTrace(carrier: HeaderCarrier, ctx = context.active()): void {
  propagation.inject(ctx, carrier, {
    set: (c, k, v) => c.set(k, v),
  })
}

const TRACE_KEYS = ['traceparent', 'tracestate']
const carrierGetter = {
  get: (c: HeaderCarrier, k: string) => c.get(k),
  keys: () => TRACE_KEYS,
}

export type OpenSpan = {
  span: Span
  /** The span's context: pass it to children and outbound requests (`injectTrace`). */
  context: Context
}

/**
 * Starts a span continuing the trace found in the carrier (a new trace without one), and
 * returns its context for the caller to pass along explicitly. The context is never made
 * "active": activating one switches AsyncLocalStorage on, whose promise hooks then tax every
 * promise in the process (a fifth of the CPU per message, measured in gateway and services).
 * End it with `endSpan`.
 */
export function openSpan(
  name: string,
  carrier: HeaderCarrier | undefined,
  attributes: Record<string, string | number | boolean>,
  kind?: SpanKind,
): OpenSpan {
  const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier, carrierGetter) : ROOT_CONTEXT
  const span =
    provider && !exporting
      ? unrecordedSpan(parent)
      : trace
          .getTracer('csms')
          .startSpan(name, kind === undefined ? { attributes } : { attributes, kind }, parent)
  return { span, context: trace.setSpan(parent, span) }
}

/**
 * A span that starts a trace on a hot path which writes its own headers (the gateway, once per
 * station CALL): its W3C headers as text, a way to mark it failed, and its end.
 */
export type RootSpan = {
  /** Undefined when no tracer provider is registered (`initTracing`): no trace to continue then. */
  readonly traceparent: string | undefined
  readonly tracestate: string | undefined
  fail(message: string): void
  end(): void
}

/** Without an exporter: only the ids `traceparent` carries (what `unrecordedSpan` makes for a root). */
class IdOnlySpan implements RootSpan {
  readonly tracestate = undefined
  constructor(readonly traceparent: string) {}
  fail(): void {}
  end(): void {}
}

class SdkRootSpan implements RootSpan {
  readonly traceparent: string | undefined
  readonly tracestate: string | undefined
  constructor(private readonly span: Span) {
    const ctx = trace.setSpan(ROOT_CONTEXT, span)
    this.traceparent = traceparentOf(ctx)
    this.tracestate = tracestateOf(ctx)
  }
  fail(message: string): void {
    this.span.setStatus({ code: SpanStatusCode.ERROR, message })
  }
  end(): void {
    this.span.end()
  }
}

/**
 * Starts a new trace, as `openSpan` without a carrier does. Without an exporter that span would
 * only be its ids: then just the `traceparent` text is made (a new trace, sampled), not the
 * SDK's span, context and the parsing of both back into a header, which were 4 % of the
 * gateway's CPU per CALL. `attributes` is called only for a span that records.
 */
export function openRootSpan(
  name: string,
  attributes: () => Record<string, string | number | boolean>,
  kind: SpanKind,
): RootSpan {
  if (provider && !exporting) return new IdOnlySpan(`00-${randomTraceId()}-${randomSpanId()}-01`)
  return new SdkRootSpan(openSpan(name, undefined, attributes(), kind).span)
}

/**
 * The W3C `traceparent` of the span in `ctx` (undefined without a valid one): what `injectTrace`
 * writes, for a hot path that writes its headers itself.
 */
export function traceparentOf(ctx: Context): string | undefined {
  const sc = trace.getSpanContext(ctx)
  if (sc === undefined || !trace.isSpanContextValid(sc)) return undefined
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`
}

/** The W3C `tracestate` of the span in `ctx`, when it has one. */
export function tracestateOf(ctx: Context): string | undefined {
  const state = trace.getSpanContext(ctx)?.traceState?.serialize()
  return state ? state : undefined
}

/**
 * With no exporter a recorded span is thrown away at its end, so only its identity is made:
 * the ids and flags the SDK's default sampler (parent-based, else always on) would give it,
 * so that `traceparent` carries the same trace on as a recorded span would.
 */
function unrecordedSpan(parent: Context): Span {
  const up = trace.getSpanContext(parent)
  const continues = up !== undefined && trace.isSpanContextValid(up)
  return trace.wrapSpanContext({
    traceId: continues ? up.traceId : randomTraceId(),
    spanId: randomSpanId(),
    traceFlags: continues ? up.traceFlags & TraceFlags.SAMPLED : TraceFlags.SAMPLED,
    ...(continues && up.traceState !== undefined ? { traceState: up.traceState } : {}),
  })
}

/** Ends a span from `openSpan`, marking it failed when the work threw. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error as Error)
    span.setStatus({ code: SpanStatusCode.ERROR })
  }
  span.end()
}

/**
 * Runs fn in a span whose parent is the trace found in the carrier, if any, with the span's
 * context active. Prefer `openSpan` on hot paths (see there why).
 */
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
