/**
 * Counts failed admissions per key in a sliding one-minute window, so password guessing and
 * misconfigured stations in a reconnect loop are answered 429 cheaply, before the auth service.
 * Memory is bounded: at most `maxKeys` keys of at most `maxPerMinute` timestamps each.
 */
export function createFailureLimiter(maxPerMinute: number, windowMs = 60_000, maxKeys = 100_000) {
  const hits = new Map<string, number[]>()
  const recent = (key: string, now: number) => {
    const list = hits.get(key)
    if (!list) return []
    while (list.length > 0 && (list[0] as number) <= now - windowMs) list.shift()
    if (list.length === 0) hits.delete(key)
    return list
  }
  return {
    isBlocked(key: string, now = Date.now()): boolean {
      return recent(key, now).length >= maxPerMinute
    },
    recordFailure(key: string, now = Date.now()): void {
      if (!hits.has(key) && hits.size >= maxKeys) hits.delete(hits.keys().next().value as string)
      const list = recent(key, now)
      if (list.length < maxPerMinute) list.push(now)
      hits.set(key, list)
    },
  }
}

export type FailureLimiter = ReturnType<typeof createFailureLimiter>
