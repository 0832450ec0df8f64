import { defineHandler } from '@csms/bus'
import { type PublishFact, publishSecurityEvent } from '../events/device-facts.js'
import type { MonitoringRepo } from '../repo/monitoring-repo.js'
import type { Clock } from './clock.js'

/** SecurityEventNotification (A04): stored once and published as evt.device.security.<station>. */
export function createSecurityEventNotificationHandlers(deps: {
  monitoring: MonitoringRepo
  publish: PublishFact
  clock: Clock
}) {
  const record = async (
    stationId: string,
    p: { type: string; timestamp: string; techInfo?: string | undefined },
  ) => {
    const receivedAt = deps.clock()
    const event = {
      type: p.type,
      timestamp: new Date(p.timestamp).toISOString(),
      techInfo: p.techInfo ?? null,
      receivedAt: receivedAt.toISOString(),
    }
    await deps.monitoring.insertSecurityEvent(stationId, { ...event, receivedAt })
    await publishSecurityEvent(deps.publish, stationId, event)
    return {}
  }
  return [
    defineHandler({
      version: 'v201',
      action: 'SecurityEventNotification',
      handle: (c) => record(c.stationId, c.payload),
    }),
    defineHandler({
      version: 'v21',
      action: 'SecurityEventNotification',
      handle: (c) => record(c.stationId, c.payload),
    }),
    defineHandler({
      version: 'v16',
      action: 'SecurityEventNotification',
      handle: (c) => record(c.stationId, c.payload),
    }),
  ]
}
