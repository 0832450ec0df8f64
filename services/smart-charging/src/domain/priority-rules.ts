import type { DailyWindow } from './time-windows.js'

export type PriorityRuleLike = {
  id: string
  match: 'idToken' | 'group' | 'station'
  value: string
  priority: number
  windows?: readonly DailyWindow[] | undefined
}

export type SessionIdentity = { stationId: string; idToken: string | null; groupIdToken: string | null }

export type ResolvedPriority = {
  priority: number
  windows: readonly DailyWindow[] | undefined
  ruleId: string | null
}

const ORDER = ['idToken', 'group', 'station'] as const

const indexes = new WeakMap<readonly PriorityRuleLike[], Map<string, PriorityRuleLike>>()

/** The most specific rule wins: the driver's token, then its group, then the station. */
export function resolvePriority(rules: readonly PriorityRuleLike[], s: SessionIdentity): ResolvedPriority {
  let index = indexes.get(rules)
  if (!index) {
    index = new Map(rules.map((r) => [`${r.match}\u0000${r.value}`, r]))
    indexes.set(rules, index)
  }
  const keys = { idToken: s.idToken, group: s.groupIdToken, station: s.stationId }
  for (const match of ORDER) {
    const key = keys[match]
    if (key === null) continue
    const rule = index.get(`${match}\u0000${key}`)
    if (rule) return { priority: rule.priority, windows: rule.windows, ruleId: rule.id }
  }
  return { priority: 0, windows: undefined, ruleId: null }
}
