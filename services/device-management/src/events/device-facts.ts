import {
  type CampaignCounts,
  type DeviceEventView,
  type DomainEvent,
  eventSubject,
  type JobFact,
  type PublishFact,
  type StationSiteFact,
} from '@csms/bus'

// The facts device-management publishes on CSMS_EVENTS (through the bus's fact publisher), each
// with a dedupe id so that a station retrying a message (or a replica retrying a publish)
// yields one event.

export type { PublishFact }

const envelope = <T>(type: string, stationId: string | undefined, data: T): DomainEvent<T> => ({
  type,
  ...(stationId === undefined ? {} : { stationId }),
  time: new Date().toISOString(),
  data,
})

export function publishDeviceEvent(publish: PublishFact, stationId: string, event: DeviceEventView) {
  return publish(
    eventSubject('device', 'event', stationId),
    envelope('device.event', stationId, { stationId, ...event }),
    `device.event/${stationId}/${event.eventId}/${event.timestamp}`,
  )
}

export function publishSecurityEvent(
  publish: PublishFact,
  stationId: string,
  event: { type: string; timestamp: string; techInfo: string | null; receivedAt: string },
) {
  return publish(
    eventSubject('device', 'security', stationId),
    envelope('device.security', stationId, { stationId, ...event }),
    `device.security/${stationId}/${event.type}/${event.timestamp}`,
  )
}

export function publishJobFact(publish: PublishFact, fact: JobFact, historyAt: string) {
  return publish(
    eventSubject('device', 'job', fact.stationId),
    envelope('device.job', fact.stationId, fact),
    `device.job/${fact.jobId}/${fact.status}/${historyAt}`,
  )
}

export function publishCampaignFact(
  publish: PublishFact,
  fact: { campaignId: string; status: string; pausedReason: string | null; counts: CampaignCounts },
) {
  return publish(
    eventSubject('device', 'campaign'),
    envelope('device.campaign', undefined, fact),
    `device.campaign/${fact.campaignId}/${fact.status}/${Date.now()}`,
  )
}

/**
 * The operator named the station's site. Published whenever a site is named, changed or not:
 * a retried request whose first attempt was stored but not published still tells the others.
 */
export function publishStationSiteFact(publish: PublishFact, fact: StationSiteFact) {
  return publish(
    eventSubject('device', 'site', fact.stationId),
    envelope('device.site', fact.stationId, fact),
    `device.site/${fact.stationId}/${fact.siteId ?? ''}/${Date.now()}`,
  )
}
