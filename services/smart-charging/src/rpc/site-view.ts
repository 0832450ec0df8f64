import type { EvseAllocationView, NodeView, SiteView } from '@csms/bus'
import { nodeLimits } from '../balancer/site-loader.js'
import { effectiveLimit } from '../domain/node-limits.js'
import type { NodeRecord } from '../repo/node-repo.js'
import type { SessionRecord } from '../repo/session-repo.js'

// What the API shows of a site: each node's limit (and the one in force now), and per EVSE its
// allocation, what the station acknowledged and the power it measures.

/** Measurements older than this are not summed into a node's measured power. */
const MEASURED_FRESH_MS = 300_000

export function nodeView(
  n: NodeRecord,
  all: readonly NodeRecord[],
  sessions: readonly SessionRecord[],
  now: number,
): NodeView {
  const limit = effectiveLimit(nodeLimits(n), now, 0)
  const below = subtree(n.id, all)
  const mine = sessions.filter((s) => below.has(s.nodeId ?? s.siteId ?? ''))
  return {
    id: n.id,
    siteId: n.siteId,
    parentId: n.parentId,
    name: n.name,
    limitW: n.limitW,
    limitA: n.limitA,
    firmLimitW: n.firmLimitW,
    firmLimitA: n.firmLimitA,
    effectiveLimitW: limit.limitW ?? null,
    effectiveLimitA: limit.limitA ?? null,
    schedule: n.schedule,
    timeOfUse: n.timeOfUse,
    defaults: n.defaults,
    txDefaultLimit: n.txDefaultLimit,
    allocatedW: round(mine.reduce((sum, s) => sum + (s.allocatedW ?? 0), 0)),
    measuredW: round(
      mine.reduce(
        (sum, s) =>
          sum + (s.measuredAt && now - s.measuredAt.getTime() < MEASURED_FRESH_MS ? (s.measuredW ?? 0) : 0),
        0,
      ),
    ),
    activeEvses: mine.length,
    updatedAt: n.updatedAt.toISOString(),
  }
}

export function siteView(
  site: NodeRecord,
  all: readonly NodeRecord[],
  sessions: readonly SessionRecord[],
  now: number,
): SiteView {
  return {
    ...nodeView(site, all, sessions, now),
    groups: all.filter((n) => n.id !== site.id).map((n) => nodeView(n, all, sessions, now)),
    evses: sessions.map((s) => evseView(s, site.id, now)),
  }
}

function evseView(s: SessionRecord, siteId: string, now: number): EvseAllocationView {
  const d = s.deadline
  const remaining = d ? Math.max(0, d.requestedWh - Math.max(0, s.energyWh - d.baselineWh)) : 0
  const left = d ? Date.parse(d.departureAt) - now : 0
  return {
    stationId: s.stationId,
    evseId: s.evseId,
    transactionId: s.transactionId,
    nodeId: s.nodeId ?? siteId,
    priority: s.priority ?? 0,
    current: s.electrical?.current ?? 'AC',
    phases: s.electrical?.phases ?? 3,
    allocatedW: round(s.allocatedW ?? 0),
    allocatedA: s.allocatedA,
    reason: s.allocationReason ?? 'pending',
    boundW: s.boundW,
    profileStatus:
      (['none', 'accepted', 'pending', 'failed'] as const).find((x) => x === s.profileState) ?? 'none',
    measuredW: s.measuredW,
    measuredAt: s.measuredAt?.toISOString() ?? null,
    energyWh: s.energyWh,
    deadline: d
      ? {
          energyWh: d.requestedWh,
          remainingWh: round(remaining),
          departureAt: d.departureAt,
          feasible: d.feasible,
          requiredW:
            left > 0 ? round((remaining * 3_600_000) / left) : remaining > 0 ? Number.MAX_SAFE_INTEGER : 0,
        }
      : null,
  }
}

function subtree(id: string, all: readonly NodeRecord[]): Set<string> {
  const out = new Set([id])
  for (let grew = true; grew; ) {
    grew = false
    for (const n of all) {
      if (n.parentId !== null && out.has(n.parentId) && !out.has(n.id)) {
        out.add(n.id)
        grew = true
      }
    }
  }
  return out
}

const round = (x: number) => Math.round(x * 10) / 10
