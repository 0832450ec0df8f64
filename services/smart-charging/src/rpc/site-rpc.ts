import {
  AppError,
  deleteNodeRpc,
  deletePriorityRuleRpc,
  eventSubject,
  getSiteRpc,
  type LimitFact,
  listPriorityRulesRpc,
  listSitesRpc,
  type NodeInput,
  publishEvent,
  serveRpc,
  setLimitRpc,
  setStationPlacementRpc,
  upsertNodeRpc,
  upsertPriorityRuleRpc,
} from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { JetStreamClient } from '@nats-io/jetstream'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import type { BalancerPort } from '../balancer/leader-link.js'
import { pruneSchedule } from '../balancer/site-loader.js'
import type { NodeRecord, NodeRepo } from '../repo/node-repo.js'
import type { SessionRepo } from '../repo/session-repo.js'
import { nodeView, siteView } from './site-view.js'

type Deps = {
  nc: NatsConnection
  js: JetStreamClient
  nodes: NodeRepo
  sessions: SessionRepo
  balancer: BalancerPort
  logger: Logger
}

/** Sites, groups, limits, priorities and placements: what operators configure. */
export function serveSiteRpc(deps: Deps): Subscription[] {
  const opts = { queue: 'smart-charging', logger: deps.logger }
  const view = async (n: NodeRecord) => {
    const [all, sessions] = await Promise.all([
      deps.nodes.listSite(n.siteId),
      deps.sessions.listSite(n.siteId),
    ])
    return nodeView(n, all, sessions, Date.now())
  }
  const limitFact = (
    n: NodeRecord,
    source: string,
    from: string,
    to: string | null,
    limitW: number | null,
    limitA: number | null,
  ) =>
    publishEvent(deps.js, eventSubject('smart-charging', 'limit'), {
      type: 'smart-charging.limit',
      time: new Date().toISOString(),
      data: {
        nodeId: n.id,
        siteId: n.siteId,
        at: new Date().toISOString(),
        source,
        limitW,
        limitA,
        effectiveAt: from,
        until: to,
      } satisfies LimitFact,
    }).catch((error) => deps.logger.warn({ err: error }, 'limit event not published'))

  return [
    serveRpc(
      deps.nc,
      upsertNodeRpc,
      async ({ id, kind, node: input }) => {
        const existing = await deps.nodes.get(id)
        if (existing && existing.kind !== kind)
          throw new AppError('conflict', `${id} is a ${existing.kind}, not a ${kind}`)
        const parentId = kind === 'site' ? null : (input.parentId ?? existing?.parentId ?? null)
        let siteId = id
        if (kind === 'group') {
          if (!parentId)
            throw new AppError('invalid_input', 'a group needs a parentId (its site or another group)')
          const parent = await deps.nodes.get(parentId)
          if (!parent) throw new AppError('not_found', `no site or group ${parentId}`)
          if (existing && existing.siteId !== parent.siteId)
            throw new AppError('invalid_input', 'a group cannot move to another site')
          const family = await deps.nodes.listSite(parent.siteId)
          for (let p: NodeRecord | undefined = parent; p; p = family.find((n) => n.id === p?.parentId)) {
            if (p.id === id)
              throw new AppError('invalid_input', `${parentId} is inside ${id}: the tree would loop`)
          }
          siteId = parent.siteId
        }
        const merged = merge(existing, input, { id, kind, siteId, parentId })
        const saved = await deps.nodes.upsert(merged)
        const limitChanged = !existing || existing.limitW !== saved.limitW || existing.limitA !== saved.limitA
        if (limitChanged)
          await limitFact(saved, 'api', new Date().toISOString(), null, saved.limitW, saved.limitA)
        await deps.balancer.onSiteChanged(siteId, limitChanged ? 'limit' : 'config')
        if (
          kind === 'site' &&
          JSON.stringify(existing?.txDefaultLimit) !== JSON.stringify(saved.txDefaultLimit)
        ) {
          void deps.balancer.installDefaults(siteId).catch(() => undefined)
        }
        return { node: await view(saved) }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      deleteNodeRpc,
      async ({ id }) => {
        const node = await deps.nodes.get(id)
        if (!node) return { deleted: false }
        await deps.nodes.delete(id)
        await deps.balancer.onSiteChanged(node.siteId, 'config')
        return { deleted: true }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      getSiteRpc,
      async ({ siteId }) => {
        const site = await deps.nodes.get(siteId)
        if (site?.kind !== 'site') return { site: null }
        const [all, sessions] = await Promise.all([
          deps.nodes.listSite(siteId),
          deps.sessions.listSite(siteId),
        ])
        return { site: siteView(site, all, sessions, Date.now()) }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      listSitesRpc,
      async () => ({ sites: await Promise.all((await deps.nodes.listSites()).map(view)) }),
      opts,
    ),
    serveRpc(
      deps.nc,
      setLimitRpc,
      async (req) => {
        const node = await deps.nodes.get(req.nodeId)
        if (!node) throw new AppError('not_found', `no site or group ${req.nodeId}`)
        const now = Date.now()
        const from = req.effectiveAt === undefined ? now : Date.parse(req.effectiveAt)
        let next: NodeRecord
        if (from <= now && req.until === undefined) {
          // Effective now and until further notice: the node's limit itself.
          next = {
            ...node,
            limitW: req.limitW === undefined ? node.limitW : req.limitW,
            limitA: req.limitA === undefined ? node.limitA : req.limitA,
          }
        } else {
          const entry = {
            from: new Date(from).toISOString(),
            ...(req.until === undefined ? {} : { to: req.until }),
            ...(req.limitW == null ? {} : { limitW: req.limitW }),
            ...(req.limitA == null ? {} : { limitA: req.limitA }),
            ...(req.source === undefined ? {} : { source: req.source }),
          }
          next = { ...node, schedule: [...pruneSchedule(node.schedule, now), entry] }
        }
        const saved = await deps.nodes.upsert(next)
        // Recompute first: the event can follow.
        await deps.balancer.onSiteChanged(saved.siteId, 'limit')
        await limitFact(
          saved,
          req.source ?? 'api',
          new Date(from).toISOString(),
          req.until ?? null,
          req.limitW ?? null,
          req.limitA ?? null,
        )
        return { node: await view(saved), recomputedAt: new Date().toISOString() }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      setStationPlacementRpc,
      async ({ stationId, placement }) => {
        if (placement.nodeId && !(await deps.nodes.get(placement.nodeId))) {
          throw new AppError('not_found', `no site or group ${placement.nodeId}`)
        }
        const current = await deps.nodes.placement(stationId)
        const pick = <K extends keyof typeof placement>(k: K, fallback: unknown) =>
          placement[k] === undefined ? fallback : placement[k]
        await deps.nodes.upsertPlacement({
          stationId,
          nodeId: pick('nodeId', current?.nodeId ?? null) as string | null,
          current: pick('current', current?.current ?? null) as 'AC' | 'DC' | null,
          phases: pick('phases', current?.phases ?? null) as 1 | 2 | 3 | null,
          voltage: pick('voltage', current?.voltage ?? null) as number | null,
          maxCurrentA: pick('maxCurrentA', current?.maxCurrentA ?? null) as number | null,
          maxPowerW: pick('maxPowerW', current?.maxPowerW ?? null) as number | null,
        })
        await deps.balancer.onPlacementChanged(stationId)
        const saved = await deps.nodes.placement(stationId)
        return {
          stationId,
          placement: Object.fromEntries(
            Object.entries({
              nodeId: saved?.nodeId,
              current: saved?.current ?? undefined,
              phases: saved?.phases ?? undefined,
              voltage: saved?.voltage ?? undefined,
              maxCurrentA: saved?.maxCurrentA ?? undefined,
              maxPowerW: saved?.maxPowerW ?? undefined,
            }).filter(([, v]) => v !== undefined),
          ),
        }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      upsertPriorityRuleRpc,
      async (rule) => {
        await deps.nodes.upsertRule(rule)
        await deps.balancer.onRulesChanged()
        return { rule }
      },
      opts,
    ),
    serveRpc(deps.nc, listPriorityRulesRpc, async () => ({ rules: await deps.nodes.listRules() }), opts),
    serveRpc(
      deps.nc,
      deletePriorityRuleRpc,
      async ({ id }) => {
        const deleted = await deps.nodes.deleteRule(id)
        if (deleted) await deps.balancer.onRulesChanged()
        return { deleted }
      },
      opts,
    ),
  ]
}

function merge(
  existing: NodeRecord | null,
  input: NodeInput,
  fixed: { id: string; kind: 'site' | 'group'; siteId: string; parentId: string | null },
): Omit<NodeRecord, 'updatedAt'> {
  const keep = <T>(value: T | null | undefined, old: T | null): T | null =>
    value === undefined ? old : value
  return {
    ...fixed,
    name: keep(input.name, existing?.name ?? null),
    limitW: keep(input.limitW, existing?.limitW ?? null),
    limitA: keep(input.limitA, existing?.limitA ?? null),
    firmLimitW: keep(input.firmLimitW, existing?.firmLimitW ?? null),
    firmLimitA: keep(input.firmLimitA, existing?.firmLimitA ?? null),
    schedule: pruneSchedule(existing?.schedule ?? [], Date.now()),
    timeOfUse: input.timeOfUse ?? existing?.timeOfUse ?? [],
    defaults: { ...(existing?.defaults ?? {}), ...(input.defaults ?? {}) },
    // A new site holds new transactions at 0 A until their share arrives.
    txDefaultLimit:
      fixed.kind === 'group'
        ? null
        : input.txDefaultLimit === undefined
          ? (existing?.txDefaultLimit ?? (existing ? null : { unit: 'A', limit: 0 }))
          : input.txDefaultLimit,
  }
}
