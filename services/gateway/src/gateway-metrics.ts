import { METRIC, type Metrics } from '@csms/telemetry'

// prom-client's types, named through Metrics so this package needs no dependency on prom-client.
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
}

/** The gateway's instruments; names come from @csms/telemetry so dashboards match. */
export function createGatewayMetrics(m: Metrics): GatewayMetrics {
  return {
    connections: m.gauge(METRIC.gatewayConnections, 'Open station sockets', ['protocol']),
    upgradesRefused: m.counter(METRIC.gatewayUpgradesRefused, 'Upgrades refused', ['reason']),
    messages: m.counter(METRIC.gatewayMessages, 'OCPP messages', ['direction', 'action', 'outcome']),
    callDuration: m.histogram(METRIC.gatewayCallDuration, 'CALL round trip', ['direction', 'action']),
    natsDuration: m.histogram(METRIC.gatewayNatsRequestDuration, 'NATS request to the owning service', [
      'action',
    ]),
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
