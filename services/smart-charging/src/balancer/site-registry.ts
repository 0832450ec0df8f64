import type { ScheduleLike } from '../domain/charging-profile.js'
import { compositeSchedule } from '../domain/composite-schedule.js'
import type { NodeRecord, NodeRepo, PlacementRecord } from '../repo/node-repo.js'
import type { ExternalLimitRecord, ProfileRepo } from '../repo/profile-repo.js'
import type { SessionRecord, SessionRepo } from '../repo/session-repo.js'
import { type EvNeeds, energyNeed, evseCapability, scheduleToLimits } from './evse-electrical.js'
import { nodeConfig, siteDefaults } from './site-loader.js'
import type { PlanOptions } from './site-model.js'
import {
  admitDeadline,
  type EvseState,
  type NodeConfig,
  type SiteModel,
  stationNodeId,
} from './site-model.js'
import type { StationDirectory } from './station-directory.js'

// The sites the balancer holds in memory, and how a station's sessions become EVSEs of a site's
// model: where the station belongs, what each EVSE can take, what its EV asked for.

export type Site = {
  model: SiteModel
  records: Map<string, NodeRecord>
  wake: NodeJS.Timeout | undefined
}

export type SiteRegistry = ReturnType<typeof createSiteRegistry>

export function createSiteRegistry(deps: {
  nodes: NodeRepo
  sessions: SessionRepo
  profiles: ProfileRepo
  directory: StationDirectory
  options: PlanOptions
  now(): number
}) {
  const now = deps.now
  const sites = new Map<string, Site>()
  const placements = new Map<string, PlacementRecord | null>()
  const externals = new Map<string, ExternalLimitRecord[]>()
  let rules = [] as SiteModel['rules']

  async function placementOf(stationId: string): Promise<PlacementRecord | null> {
    if (!placements.has(stationId)) placements.set(stationId, await deps.nodes.placement(stationId))
    return placements.get(stationId) ?? null
  }

  async function externalsOf(stationId: string): Promise<ExternalLimitRecord[]> {
    if (!externals.has(stationId)) externals.set(stationId, await deps.profiles.externalLimits(stationId))
    return externals.get(stationId) ?? []
  }

  /** The site and node of a station: its placement in a group, else its site (device management). */
  async function locate(stationId: string): Promise<{ siteId: string; nodeId: string } | undefined> {
    const placement = await placementOf(stationId)
    if (placement?.nodeId) {
      const node = await deps.nodes.get(placement.nodeId)
      if (node) return { siteId: node.siteId, nodeId: node.id }
    }
    const info = await deps.directory.get(stationId)
    if (!info?.siteId) return undefined
    const site = await loadSite(info.siteId)
    return site ? { siteId: info.siteId, nodeId: info.siteId } : undefined
  }

  /** Whether the station is in a balanced site; undefined when device management cannot say. */
  async function isBalanced(stationId: string): Promise<boolean | undefined> {
    if (await locate(stationId)) return true
    return (await deps.directory.get(stationId)) === undefined ? undefined : false
  }

  async function loadSite(siteId: string): Promise<Site | undefined> {
    const loaded = sites.get(siteId)
    if (loaded) return loaded
    const records = await deps.nodes.listSite(siteId)
    if (!records.some((r) => r.id === siteId && r.kind === 'site')) return undefined
    if (sites.has(siteId)) return sites.get(siteId)
    const site: Site = {
      model: { siteId, nodes: new Map(), evses: new Map(), rules },
      records: new Map(records.map((r) => [r.id, r])),
      wake: undefined,
    }
    rebuildNodes(site)
    sites.set(siteId, site)
    for (const s of await deps.sessions.listSite(siteId)) await adoptSession(site, s)
    return site
  }

  function rebuildNodes(site: Site): void {
    const nodes = new Map<string, NodeConfig>([...site.records.values()].map((r) => [r.id, nodeConfig(r)]))
    // A station-wide external limit (NotifyChargingLimit, evse 0) is a node above its EVSEs.
    for (const e of site.model.evses.values()) {
      const station = externals.get(e.stationId)?.filter((x) => x.evseId === 0) ?? []
      if (station.length === 0) continue
      const id = stationNodeId(e.stationId)
      if (nodes.has(id)) continue
      const parent = nodes.get(e.nodeId)?.id ?? site.model.siteId
      nodes.set(id, {
        id,
        parentId: parent,
        limits: { schedule: station.flatMap((x) => scheduleToLimits(x.schedules, x.setAt.getTime())) },
      })
    }
    site.model.nodes = nodes
  }

  async function capabilityOf(site: Site, stationId: string, evseId: number, needs: EvNeeds | null) {
    const placement = await placementOf(stationId)
    const evseLimits = (await externalsOf(stationId)).filter((x) => x.evseId === evseId)
    const base = evseCapability(
      siteDefaults(site.records.get(site.model.siteId)),
      placement,
      needs,
      undefined,
    )
    let cap: number | undefined
    for (const x of evseLimits) {
      const [period] = compositeSchedule(
        [],
        [{ evseId, schedules: x.schedules as ScheduleLike[], setAt: x.setAt.getTime() }],
        {
          evseId,
          from: now(),
          durationS: 1,
          unit: 'W',
          electrical: { voltage: base.electrical.voltage, phases: base.electrical.phases },
        },
      )
      if (period?.limit !== undefined) cap = Math.min(cap ?? Number.POSITIVE_INFINITY, period.limit)
    }
    return evseCapability(siteDefaults(site.records.get(site.model.siteId)), placement, needs, cap)
  }

  /** What an EVSE may draw without a TxProfile: the station's TxDefaultProfile, else its maximum. */
  async function defaultBoundW(stationId: string, maxW: number, e: { voltage: number; phases: number }) {
    const d = await deps.profiles.stationDefault(stationId)
    if (d?.status !== 'Accepted' || !d) return maxW
    return Math.min(maxW, d.limit.unit === 'W' ? d.limit.limit : d.limit.limit * e.voltage * e.phases)
  }

  async function currentNeeds(stationId: string, evseId: number, since: Date): Promise<EvNeeds | null> {
    const n = await deps.sessions.needs(stationId, evseId)
    // Needs sent before this transaction started belong to an earlier EV (5 min of slack: the
    // EV may talk ISO 15118 before the station reports the transaction).
    if (!n || n.receivedAt.getTime() < since.getTime() - 300_000) return null
    return (n.payload as { chargingNeeds?: EvNeeds }).chargingNeeds ?? null
  }

  /** A session from the database (or a fresh fact) becomes an EVSE of the site's model. */
  async function adoptSession(site: Site, s: SessionRecord): Promise<EvseState> {
    const located = await locate(s.stationId)
    const needs = await currentNeeds(s.stationId, s.evseId, s.startedAt)
    const cap = await capabilityOf(site, s.stationId, s.evseId, needs)
    const e: EvseState = {
      key: `${s.stationId}/${s.evseId}`,
      stationId: s.stationId,
      evseId: s.evseId,
      transactionId: s.transactionId,
      nodeId: located?.siteId === site.model.siteId ? located.nodeId : site.model.siteId,
      idToken: s.idToken,
      groupIdToken: s.groupIdToken,
      since: s.startedAt.getTime(),
      electrical: cap.electrical,
      maxW: cap.maxW,
      minW: cap.minW,
      idle: s.chargingState === 'SuspendedEV',
      need: s.deadline ? { ...s.deadline, departureAt: Date.parse(s.deadline.departureAt) } : undefined,
      energyWh: s.energyWh,
      measuredW: s.measuredW,
      measuredAt: s.measuredAt?.getTime() ?? null,
      boundW: s.boundW ?? (await defaultBoundW(s.stationId, cap.maxW, cap.electrical)),
      profile: s.profileState === 'accepted' || s.profileState === 'failed' ? s.profileState : 'none',
      appliedW: s.appliedW,
      appliedA: s.appliedA,
      pinnedUntil: undefined,
      allocation: undefined,
    }
    site.model.evses.set(e.key, e)
    if (needs && !e.need) admitNeeds(site, e, needs)
    if (externals.get(s.stationId)?.some((x) => x.evseId === 0)) rebuildNodes(site)
    return e
  }

  /** ISO 15118 needs with a departure: promised when the firm capacity allows (see admitDeadline). */
  function admitNeeds(site: Site, e: EvseState, needs: EvNeeds): boolean | undefined {
    const need = energyNeed(needs)
    if (!need) {
      e.need = undefined
      return undefined
    }
    e.need = {
      requestedWh: need.energyWh,
      baselineWh: e.energyWh,
      departureAt: need.departureAt,
      feasible: false,
    }
    e.need.feasible = admitDeadline(site.model, e.key, now(), deps.options)
    return e.need.feasible
  }

  return {
    sites,
    placements,
    externals,
    rules: () => rules,
    setRules(next: SiteModel['rules']) {
      rules = next
    },
    locate,
    isBalanced,
    loadSite,
    rebuildNodes,
    capabilityOf,
    currentNeeds,
    adoptSession,
    admitNeeds,
    defaultBoundW,
  }
}
