import { type DeviceEventView, defineHandler } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import { cleanComponent, cleanVariable } from '../domain/component-key.js'
import { type PublishFact, publishDeviceEvent } from '../events/device-facts.js'
import { eventWrites } from '../model/variable-writes.js'
import type { DeviceModelRepo } from '../repo/device-model-repo.js'
import type { MonitoringRepo } from '../repo/monitoring-repo.js'
import type { Clock } from './clock.js'

/**
 * NotifyEvent (N07 alerts, N08 periodic events): stored once per station, event id and
 * timestamp, published as evt.device.event.<station>, and the reported value becomes the
 * variable's Actual value in the stored model.
 */
export function createNotifyEventHandlers(deps: {
  model: DeviceModelRepo
  monitoring: MonitoringRepo
  publish: PublishFact
  clock: Clock
  logger: Logger
}) {
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'NotifyEvent',
      async handle({ stationId, payload }) {
        const receivedAt = deps.clock()
        const events = payload.eventData.map(
          (e): DeviceEventView => ({
            eventId: e.eventId,
            timestamp: new Date(e.timestamp).toISOString(),
            trigger: e.trigger,
            cause: e.cause ?? null,
            actualValue: e.actualValue,
            techCode: e.techCode ?? null,
            techInfo: e.techInfo ?? null,
            cleared: e.cleared ?? false,
            transactionId: e.transactionId ?? null,
            variableMonitoringId: e.variableMonitoringId ?? null,
            eventNotificationType: e.eventNotificationType,
            severity: 'severity' in e && typeof e.severity === 'number' ? e.severity : null,
            component: cleanComponent(e.component),
            variable: cleanVariable(e.variable),
            receivedAt: receivedAt.toISOString(),
          }),
        )
        await deps.monitoring.insertEvents(stationId, events)
        await deps.model.write(stationId, eventWrites(payload.eventData), receivedAt)
        // Published even when stored before: the first attempt may have died before publishing,
        // and JetStream's dedupe window drops a second copy.
        for (const event of events) await publishDeviceEvent(deps.publish, stationId, event)
        return {}
      },
    })
  return [modern('v201'), modern('v21')]
}
