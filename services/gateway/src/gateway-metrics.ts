import { METRIC, type Metrics } from '@csms/telemetry'

// The instruments' types, named through Metrics so this package needs no dependency on prom-client
// (counters and histograms are @csms/telemetry's own FastCounter and FastHistogram).
declare const metrics: Metrics
type Counter<L extends string> = ReturnType<typeof metrics.counter<L>>
type Gauge<L extends string> = ReturnType<typeof metrics.gauge<L>>
type Histogram<L extends string> = ReturnType<typeof metrics.histogram<L>>

export type GatewayMetrics = {
  connections: Gauge<'protocol'>
  upgradesRefused: Counter<'reason'>
  /** direction: in = station-initiated, out = CSMS-initiated; outcome: ok or an OCPP-J error code. */
  messages: Counter<'direction' | 'action' | 'outcome'>
  callDuration: Histogram<'direction' | 'action'>
  natsDuration: Histogram<'action'>
  sendBuffer: Gauge<'stat'>
  evictions: Counter<'scope'>
  /** A station CALL answered: counted and its round trip observed, through cached children. */
  stationCallAnswered(action: string, outcome: string, seconds: number): void
  /** A NATS request to the owning service ended after `seconds`. */
  natsRequestEnded(action: string, seconds: number): void
}

/**
 * One child per label set, made once: `labels()` checks the label names and looks the series up,
 * which the hot path would otherwise do a few times per CALL. Actions are known OCPP actions and
 * outcomes are OCPP-J error codes, so the maps stay small.
 */
function childCache<C>(make: (a: string, b: string) => C): (a: string, b: string) => C {
  const children = new Map<string, Map<string, C>>()
  return (a, b) => {
    let inner = children.get(a)
    if (inner === undefined) {
      inner = new Map()
      children.set(a, inner)
    }
    let child = inner.get(b)
    if (child === undefined) {
      child = make(a, b)
      inner.set(b, child)
    }
    return child
  }
}

/** The gateway's instruments; names come from @csms/telemetry so dashboards match. */
export function createGatewayMetrics(m: Metrics): GatewayMetrics {
  const messages = m.counter(METRIC.gatewayMessages, 'OCPP messages', ['direction', 'action', 'outcome'])
  const callDuration = m.histogram(METRIC.gatewayCallDuration, 'CALL round trip', ['direction', 'action'])
  const natsDuration = m.histogram(METRIC.gatewayNatsRequestDuration, 'NATS request to the owning service', [
    'action',
  ])
  const inbound = childCache((action, outcome) => ({
    count: messages.labels({ direction: 'in', action, outcome }),
    duration: callDuration.labels({ direction: 'station_to_csms', action }),
  }))
  const nats = childCache((action) => natsDuration.labels({ action }))
  return {
    messages,
    callDuration,
    natsDuration,
    stationCallAnswered(action, outcome, seconds) {
      const c = inbound(action, outcome)
      c.count.inc()
      c.duration.observe(seconds)
    },
    natsRequestEnded(action, seconds) {
      nats(action, '').observe(seconds)
    },
    connections: m.gauge(METRIC.gatewayConnections, 'Open station sockets', ['protocol']),
    upgradesRefused: m.counter(METRIC.gatewayUpgradesRefused, 'Upgrades refused', ['reason']),
    // A gauge, not a histogram: the shared histogram buckets are latencies in seconds, not bytes.
    sendBuffer: m.gauge(METRIC.gatewaySendBufferBytes, 'Bytes buffered for stations (stat: sum, max)', [
      'stat',
    ]),
    evictions: m.counter(
      METRIC.gatewayEvictions,
      'Sockets closed for a newer one (local, remote) or a slow reader',
      ['scope'],
    ),
  }
}
