import type { Logger } from '@csms/telemetry'
import type { JetStreamClient } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import type { NodeRepo } from '../repo/node-repo.js'
import type { ProfileRepo } from '../repo/profile-repo.js'
import type { SessionRepo } from '../repo/session-repo.js'
import { createCycleRecorder } from './cycle-recorder.js'
import type { EvNeeds } from './evse-electrical.js'
import type { BalancerProfileIds } from './profile-builder.js'
import { createProfileRemover } from './profile-remover.js'
import { createProfileSender } from './profile-sender.js'
import { Rebalancer, type RebalancerOptions } from './rebalancer.js'
import { ruleLike } from './site-loader.js'
import type { SiteModel } from './site-model.js'
import { createSiteRegistry, type Site } from './site-registry.js'
import type { StationDirectory } from './station-directory.js'
import { createStationSettler } from './station-settler.js'
import { createTxDefaultInstaller } from './tx-default-installer.js'

// The balancer at run time: one SiteModel per site in memory, fed by transaction facts, EV
// needs, external limits and configuration changes; every change triggers a recomputation of
// the whole tree (Rebalancer), whose outcome is persisted and published.

export type TransactionInput = {
  stationId: string
  evseId: number | null
  transactionId: string
  state: 'active' | 'ended'
  eventType: string
  startedAt: string | null
  at: string
  chargingState: string | null
  energyWh: number
  idToken: string | null
  groupIdToken: string | null
  powerW: number | undefined
}

export type BalancerDeps = {
  nc: NatsConnection
  js: JetStreamClient
  nodes: NodeRepo
  sessions: SessionRepo
  profiles: ProfileRepo
  directory: StationDirectory
  logger: Logger
  ids: BalancerProfileIds
  options: RebalancerOptions & {
    profileTimeoutMs: number
    recomputeIntervalMs: number
    txDefaultDelayMs: number
  }
  now?: () => number
}

export type Balancer = ReturnType<typeof createBalancer>

export function createBalancer(deps: BalancerDeps) {
  const now = deps.now ?? (() => Date.now())
  const registry = createSiteRegistry({ ...deps, now })
  const {
    sites,
    placements,
    externals,
    locate,
    loadSite,
    rebuildNodes,
    capabilityOf,
    currentNeeds,
    adoptSession,
    admitNeeds,
    defaultBoundW,
  } = registry
  let ticker: NodeJS.Timeout | undefined
  let stopped = false

  const sender = createProfileSender({
    nc: deps.nc,
    directory: deps.directory,
    ids: deps.ids,
    timeoutMs: deps.options.profileTimeoutMs,
  })
  const recorder = createCycleRecorder({ ...deps, versionOf: sender.versionOf })
  const txDefaults = createTxDefaultInstaller({
    ...deps,
    timeoutMs: deps.options.profileTimeoutMs,
    now,
    versionOf: sender.versionOf,
    async limitFor(stationId: string) {
      const located = await locate(stationId)
      return located ? sites.get(located.siteId)?.records.get(located.siteId)?.txDefaultLimit : undefined
    },
  })
  const remover = createProfileRemover({
    ...deps,
    timeoutMs: deps.options.profileTimeoutMs,
    versionOf: sender.versionOf,
  })

  const rebalancer = new Rebalancer({
    now,
    options: deps.options,
    send: sender.send,
    onCycle: async (r) => {
      const site = sites.get(r.siteId)
      if (site) await recorder.record(site.model, r)
    },
    onError: (error, siteId) => deps.logger.error({ err: error, siteId }, 'recomputation failed'),
    wakeAt(siteId, at, wake) {
      const site = sites.get(siteId)
      if (!site) return
      clearTimeout(site.wake)
      site.wake =
        at === undefined || stopped
          ? undefined
          : setTimeout(wake, Math.max(0, Math.min(at - now(), 2_147_000_000)))
      site.wake?.unref()
    },
  })

  /** The station's TxDefaultProfile if it is in a balanced site; else the balancer's profiles cleared. */
  const settler = createStationSettler({
    isBalanced: registry.isBalanced,
    install: txDefaults.ensure,
    async remove(stationId, sentTo) {
      // Back in a site already (a quick move out and in): those EVSEs get their share again.
      await forgetTxProfiles(stationId, await remover.remove(stationId, sentTo))
    },
    idle: (siteId) => rebalancer.idle(siteId),
    timeoutMs: deps.options.profileTimeoutMs,
  })
  const settle = (stationId: string) => settler.settle(stationId)

  function trigger(site: Site, reason: string): void {
    if (!stopped) rebalancer.trigger(site.model, reason)
  }

  /** The station no longer holds the balancer's TxProfiles on `evseIds`: they draw up to its default. */
  async function forgetTxProfiles(stationId: string, evseIds: readonly number[]): Promise<void> {
    for (const site of sites.values()) {
      let touched = false
      for (const e of site.model.evses.values()) {
        if (e.stationId !== stationId || !evseIds.includes(e.evseId)) continue
        e.boundW = await defaultBoundW(stationId, e.maxW, e.electrical)
        e.profile = 'none'
        e.appliedW = null
        e.appliedA = null
        touched = true
      }
      if (touched) trigger(site, 'profiles-cleared')
    }
  }

  /** The stations of a deleted site (with sessions in it, or placed there by device management). */
  async function releaseStations(siteId: string, site: Site | undefined): Promise<void> {
    const sentTo = new Map<string, number[]>()
    for (const e of site?.model.evses.values() ?? []) {
      const evses = sentTo.get(e.stationId) ?? []
      if (e.profile !== 'none') evses.push(e.evseId)
      sentTo.set(e.stationId, evses)
    }
    for (const id of await deps.directory.listSite(siteId).catch(() => [] as string[]))
      if (!sentTo.has(id)) sentTo.set(id, [])
    await Promise.all([...sentTo].map(([id, evses]) => settler.afterMove(id, [siteId], evses)))
  }

  return {
    rebalancer,

    async start(): Promise<void> {
      stopped = false
      registry.setRules((await deps.nodes.listRules()).map(ruleLike))
      for (const siteId of await deps.sessions.listBalancedSites()) {
        const site = await loadSite(siteId)
        if (site) trigger(site, 'start')
      }
      if (deps.options.recomputeIntervalMs > 0) {
        ticker = setInterval(() => {
          for (const site of sites.values()) if (site.model.evses.size > 0) trigger(site, 'tick')
        }, deps.options.recomputeIntervalMs)
        ticker.unref()
      }
    },

    async stop(): Promise<void> {
      stopped = true
      clearInterval(ticker)
      for (const s of sites.values()) clearTimeout(s.wake)
      await rebalancer.idle()
    },

    /** evt.transaction.started|updated|ended */
    async onTransaction(t: TransactionInput): Promise<void> {
      if (t.evseId === null) return
      const key = `${t.stationId}/${t.evseId}`
      if (t.state === 'ended') {
        const ended = await deps.sessions.end(t.stationId, t.evseId, t.transactionId)
        await deps.profiles.endTransaction(t.stationId, t.transactionId)
        const siteId = ended?.siteId
        for (const site of siteId ? [sites.get(siteId)] : sites.values()) {
          const e = site?.model.evses.get(key)
          if (site && e && e.transactionId === t.transactionId) {
            site.model.evses.delete(key)
            trigger(site, 'ended')
          }
        }
        return
      }
      const located = await locate(t.stationId)
      const at = new Date(t.at)
      const record = await deps.sessions.upsert({
        stationId: t.stationId,
        evseId: t.evseId,
        transactionId: t.transactionId,
        siteId: located?.siteId ?? null,
        nodeId: located?.nodeId ?? null,
        idToken: t.idToken,
        groupIdToken: t.groupIdToken,
        startedAt: t.startedAt ? new Date(t.startedAt) : at,
        chargingState: t.chargingState,
        energyWh: t.energyWh,
        measuredW: t.powerW ?? null,
        measuredAt: t.powerW === undefined ? null : at,
      })
      const site = located ? await loadSite(located.siteId) : undefined
      if (!site) return
      const known = site.model.evses.get(key)
      if (!known || known.transactionId !== t.transactionId) {
        // A new transaction, or one this replica had not seen: drop any other site's copy.
        for (const other of sites.values()) if (other !== site) other.model.evses.delete(key)
        await adoptSession(site, record)
        trigger(site, 'started')
        return
      }
      known.energyWh = Math.max(known.energyWh, t.energyWh)
      if (t.powerW !== undefined) {
        known.measuredW = t.powerW
        known.measuredAt = at.getTime()
      }
      const idle = (record.chargingState ?? t.chargingState) === 'SuspendedEV'
      if (idle !== known.idle) {
        known.idle = idle
        trigger(site, idle ? 'ev-idle' : 'ev-resumed')
      }
    },

    /** evt.transaction.meter: the measured power of an EVSE. */
    async onMeter(
      stationId: string,
      evseId: number,
      transactionId: string | null,
      watts: number,
      at: Date,
    ): Promise<void> {
      await deps.sessions.measure(stationId, evseId, transactionId, watts, at)
      for (const site of sites.values()) {
        const e = site.model.evses.get(`${stationId}/${evseId}`)
        if (e && (transactionId === null || e.transactionId === transactionId)) {
          e.measuredW = watts
          e.measuredAt = at.getTime()
        }
      }
    },

    /** NotifyEVChargingNeeds: true/false = the deadline was admitted or not; undefined = not balanced here. */
    async onNeeds(
      stationId: string,
      evseId: number,
      needs: EvNeeds,
    ): Promise<{ balanced: boolean; feasible: boolean | undefined }> {
      for (const site of sites.values()) {
        const e = site.model.evses.get(`${stationId}/${evseId}`)
        if (!e) continue
        const cap = await capabilityOf(site, stationId, evseId, needs)
        e.electrical = cap.electrical
        e.maxW = cap.maxW
        e.minW = cap.minW
        const feasible = admitNeeds(site, e, needs)
        await deps.sessions.setDeadline(
          stationId,
          evseId,
          e.transactionId,
          e.need ? { ...e.need, departureAt: new Date(e.need.departureAt).toISOString() } : null,
        )
        trigger(site, 'ev-needs')
        return { balanced: true, feasible }
      }
      const located = await locate(stationId)
      return { balanced: located !== undefined, feasible: undefined }
    },

    /** NotifyChargingLimit / ClearedChargingLimit changed a station's external limits. */
    async onExternalLimits(stationId: string): Promise<void> {
      externals.set(stationId, await deps.profiles.externalLimits(stationId))
      for (const site of sites.values()) {
        const evses = [...site.model.evses.values()].filter((e) => e.stationId === stationId)
        if (evses.length === 0) continue
        for (const e of evses) {
          const cap = await capabilityOf(
            site,
            stationId,
            e.evseId,
            await currentNeeds(stationId, e.evseId, new Date(e.since)),
          )
          e.maxW = cap.maxW
        }
        rebuildNodes(site)
        trigger(site, 'external-limit')
      }
    },

    /**
     * The gateway saw the station connect: its default profile (out of every balanced site: the
     * balancer's profiles it still holds cleared), and retry anything held.
     */
    onStationConnected(stationId: string): void {
      deps.directory.invalidate(stationId)
      setTimeout(() => {
        void settle(stationId).catch((error: unknown) =>
          deps.logger.warn({ err: error, stationId }, "the balancer's profiles not settled"),
        )
        for (const site of sites.values()) {
          let held = false
          for (const e of site.model.evses.values()) {
            if (e.stationId === stationId && e.pinnedUntil !== undefined) {
              e.pinnedUntil = undefined
              held = true
            }
          }
          if (held) trigger(site, 'reconnected')
        }
      }, deps.options.txDefaultDelayMs).unref()
    },

    /**
     * An operator's ClearChargingProfile removed the balancer's TxDefaultProfile (reinstalled if
     * the station is still balanced) or the TxProfiles of `txProfileEvses`: those EVSEs now draw
     * up to their default, and get their share again at the next recomputation.
     */
    async onProfilesCleared(stationId: string, txProfileEvses: number[]): Promise<void> {
      await settle(stationId).catch((error: unknown) =>
        deps.logger.warn({ err: error, stationId }, "the balancer's profiles not settled"),
      )
      await forgetTxProfiles(stationId, txProfileEvses)
    },

    /** A site's configuration (nodes, limits, defaults) changed: reload and recompute. */
    async onSiteChanged(siteId: string, reason: string): Promise<void> {
      const records = await deps.nodes.listSite(siteId)
      const site = sites.get(siteId)
      if (!records.some((r) => r.id === siteId)) {
        if (site) {
          clearTimeout(site.wake)
          sites.delete(siteId)
        }
        // Deleted: its stations are in no balanced site now, and lose the balancer's profiles.
        void releaseStations(siteId, site).catch((error: unknown) =>
          deps.logger.warn(
            { err: error, siteId },
            "the balancer's profiles not settled after a site was deleted",
          ),
        )
        return
      }
      if (!site) {
        const loaded = await loadSite(siteId)
        if (loaded) trigger(loaded, reason)
        return
      }
      const defaultsChanged =
        JSON.stringify(site.records.get(siteId)?.defaults) !==
        JSON.stringify(records.find((r) => r.id === siteId)?.defaults)
      site.records = new Map(records.map((r) => [r.id, r]))
      for (const e of site.model.evses.values()) {
        if (!site.records.has(e.nodeId)) e.nodeId = siteId
        // A limit change leaves what each EVSE can take as it was: recompute at once.
        if (!defaultsChanged) continue
        const cap = await capabilityOf(
          site,
          e.stationId,
          e.evseId,
          await currentNeeds(e.stationId, e.evseId, new Date(e.since)),
        )
        e.electrical = cap.electrical
        e.maxW = cap.maxW
        e.minW = cap.minW
      }
      rebuildNodes(site)
      trigger(site, reason)
    },

    async onRulesChanged(): Promise<void> {
      registry.setRules((await deps.nodes.listRules()).map(ruleLike))
      for (const site of sites.values()) {
        site.model.rules = registry.rules()
        trigger(site, 'priority')
      }
    },

    /**
     * A station moved to another group or site, or out of every balanced site (or its electrical
     * data changed). Its profiles follow in the background: the operator does not wait for it.
     */
    async onPlacementChanged(stationId: string): Promise<void> {
      placements.delete(stationId)
      deps.directory.invalidate(stationId)
      const located = await locate(stationId)
      const left: string[] = []
      const sentTo: number[] = []
      for (const site of [...sites.values()]) {
        for (const e of [...site.model.evses.values()]) {
          if (e.stationId !== stationId) continue
          if (e.profile !== 'none') sentTo.push(e.evseId)
          site.model.evses.delete(e.key)
          left.push(site.model.siteId)
          trigger(site, 'placement')
        }
      }
      await deps.sessions.setSite(stationId, located?.siteId ?? null, located?.nodeId ?? null)
      void settler
        .afterMove(stationId, left, sentTo)
        .catch((error: unknown) =>
          deps.logger.warn({ err: error, stationId }, "the balancer's profiles not settled after a move"),
        )
      const site = located ? await loadSite(located.siteId) : undefined
      if (!site) return
      for (const s of await deps.sessions.listStation(stationId)) await adoptSession(site, s)
      trigger(site, 'placement')
    },

    /** Sends the TxDefaultProfile to every connected station of a site (site created or changed). */
    async installDefaults(siteId: string): Promise<void> {
      const ids = await deps.directory.listSite(siteId).catch(() => [] as string[])
      await Promise.all(ids.map((id) => settle(id).catch(() => undefined)))
    },

    site(siteId: string): SiteModel | undefined {
      return sites.get(siteId)?.model
    },

    /** Waits until no recomputation runs (tests, shutdown). */
    idle: () => rebalancer.idle(),
  }
}
