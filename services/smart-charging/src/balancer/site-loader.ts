import type { EvseDefaults } from '@csms/bus'
import type { NodeLimits } from '../domain/node-limits.js'
import type { PriorityRuleLike } from '../domain/priority-rules.js'
import type { NodeRecord, PriorityRuleRecord } from '../repo/node-repo.js'
import type { NodeConfig } from './site-model.js'

// From stored configuration to what the balancer computes with.

export function nodeLimits(r: NodeRecord): NodeLimits {
  return {
    limitW: r.limitW ?? undefined,
    limitA: r.limitA ?? undefined,
    schedule: r.schedule.map((s) => ({
      from: Date.parse(s.from),
      to: s.to === undefined ? undefined : Date.parse(s.to),
      limitW: s.limitW,
      limitA: s.limitA,
    })),
    timeOfUse: r.timeOfUse,
  }
}

export function nodeConfig(r: NodeRecord): NodeConfig {
  return {
    id: r.id,
    parentId: r.parentId,
    limits: nodeLimits(r),
    firmLimitW: r.firmLimitW ?? undefined,
    firmLimitA: r.firmLimitA ?? undefined,
  }
}

export function ruleLike(r: PriorityRuleRecord): PriorityRuleLike {
  return { id: r.id, match: r.match, value: r.value, priority: r.priority, windows: r.windows }
}

export function siteDefaults(site: NodeRecord | undefined): Partial<EvseDefaults> {
  return (site?.defaults ?? {}) as Partial<EvseDefaults>
}

/** Scheduled limits that ended more than a day ago are dropped when a node is saved. */
export function pruneSchedule<T extends { to?: string | undefined }>(
  schedule: readonly T[],
  now: number,
): T[] {
  return schedule.filter((s) => s.to === undefined || Date.parse(s.to) > now - 86_400_000)
}
