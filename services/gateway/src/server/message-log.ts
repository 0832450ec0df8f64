import { messageLogSubject } from '@csms/bus'
import type { NatsConnection } from '@nats-io/transport-node'
import type { StationFacts } from '../session/session-context.js'

/**
 * Every frame in and out, with station id, direction and time, onto log.ocpp.<station>.<dir>,
 * which the JetStream stream OCPP_MESSAGES (bounded retention, created by ensureStreams) keeps.
 * A core publish, not an acknowledged one: a round trip to JetStream per frame would double the
 * gateway's work per CALL, and the NATS client buffers publishes across a reconnect.
 */
export function createMessageLog(nc: NatsConnection, gatewayId: string) {
  return (station: StationFacts, direction: 'in' | 'out', frame: string): void => {
    const entry = {
      at: new Date().toISOString(),
      stationId: station.stationId,
      direction,
      protocol: station.protocol,
      gatewayId,
      connectionId: station.connectionId,
      frame,
    }
    nc.publish(messageLogSubject(station.stationId, direction), JSON.stringify(entry))
  }
}
