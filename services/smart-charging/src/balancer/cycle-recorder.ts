import { type AllocationFact, eventSubject, publishEvent } from '@csms/bus'
import type { OcppVersion } from '@csms/ocpp'
import type { Logger } from '@csms/telemetry'
import type { JetStreamClient } from '@nats-io/jetstream'
import type { ProfileRecord, ProfileRepo } from '../repo/profile-repo.js'
import type { AllocationRow, SessionRepo } from '../repo/session-repo.js'
import { type BalancerProfileIds, txProfileCall } from './profile-builder.js'
import type { CycleReport } from './rebalancer.js'
import type { SiteModel } from './site-model.js'

/** What becomes of a recomputation: an allocation event, and the site's EVSEs and profiles stored. */
export function createCycleRecorder(deps: {
  js: JetStreamClient
  sessions: SessionRepo
  profiles: ProfileRepo
  ids: BalancerProfileIds
  logger: Logger
  versionOf(stationId: string): Promise<OcppVersion>
}) {
  /** The allocation event first (it is what operators watch), then the database. */
  async function record(model: SiteModel, r: CycleReport): Promise<void> {
    await publishAllocation(r)
    try {
      await persist(model, r)
    } catch (error) {
      deps.logger.warn({ err: error, siteId: r.siteId }, 'could not store the allocation')
    }
  }

  async function publishAllocation(r: CycleReport): Promise<void> {
    if (r.changes.length === 0 && !/limit|config/.test(r.reason)) return
    const limit = r.plan.limits.get(r.siteId)?.limitW
    let allocatedW = 0
    for (const a of r.plan.allocations.values()) allocatedW += a.watts
    const fact: AllocationFact = {
      siteId: r.siteId,
      at: new Date(r.startedAt).toISOString(),
      reason: r.reason,
      effectiveLimitW: limit ?? null,
      allocatedW,
      changes: r.changes.map((c) => ({
        stationId: c.evse.stationId,
        evseId: c.evse.evseId,
        transactionId: c.evse.transactionId,
        fromW: c.fromW,
        toW: c.toW,
        amps: c.amps ?? null,
        status: c.outcome,
      })),
      durationMs: r.durationMs,
    }
    await publishEvent(deps.js, eventSubject('smart-charging', 'allocation'), {
      type: 'smart-charging.allocation',
      time: new Date().toISOString(),
      data: fact,
    }).catch((error) => deps.logger.warn({ err: error }, 'allocation event not published'))
  }

  async function persist(model: SiteModel, r: CycleReport): Promise<void> {
    const demands = new Map(r.plan.demands.map((d) => [d.key, d]))
    const rows: AllocationRow[] = [...model.evses.values()].map((e) => {
      const d = demands.get(e.key)
      return {
        stationId: e.stationId,
        evseId: e.evseId,
        transactionId: e.transactionId,
        nodeId: e.nodeId,
        boundW: e.boundW,
        profileState: e.profile,
        appliedW: e.appliedW,
        appliedA: e.appliedA,
        allocatedW: e.allocation?.watts ?? null,
        allocatedA: e.allocation?.amps ?? null,
        reason: e.allocation?.reason ?? null,
        priority: d?.priority ?? 0,
        electrical: { ...e.electrical, phases: e.electrical.phases, maxW: e.maxW, minW: e.minW },
        deadline: e.need ? { ...e.need, departureAt: new Date(e.need.departureAt).toISOString() } : null,
      }
    })
    await deps.sessions.saveAllocations(rows)
    const accepted = new Map<string, Omit<ProfileRecord, 'updatedAt'>>()
    for (const c of r.changes) {
      if (c.outcome !== 'accepted') continue
      const version = await deps.versionOf(c.evse.stationId)
      const call = txProfileCall(version, deps.ids, c.evse, { watts: c.toW, amps: c.amps })
      if (!call) continue
      accepted.set(c.evse.key, {
        stationId: c.evse.stationId,
        profileId: deps.ids.base + c.evse.evseId,
        evseId: c.evse.evseId,
        purpose: 'TxProfile',
        stackLevel: deps.ids.stackLevel,
        transactionId: c.evse.transactionId,
        profile: call.profile,
        version,
        source: 'balancer',
        status: 'Accepted',
        statusInfo: undefined,
        setAt: new Date(r.startedAt),
      })
    }
    await deps.profiles.recordMany([...accepted.values()])
  }

  return { record }
}
