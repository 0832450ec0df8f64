import { createHash } from 'node:crypto'

/**
 * Remembers passwords that verified recently (as a SHA-256 digest, never the password), so a
 * reconnection storm costs one scrypt per station, not one per attempt. An entry is bound to
 * the stored hash, so rotating the password invalidates it.
 */
export type VerifiedCache = ReturnType<typeof createVerifiedCache>

export function createVerifiedCache(ttlMs: number, maxEntries = 200_000) {
  const entries = new Map<string, { digest: string; hash: string; expires: number }>()
  const digestOf = (password: string) => createHash('sha256').update(password).digest('base64')
  return {
    has(stationId: string, password: string, hash: string): boolean {
      const e = entries.get(stationId)
      if (!e || e.expires < Date.now() || e.hash !== hash) return false
      return e.digest === digestOf(password)
    },
    add(stationId: string, password: string, hash: string): void {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string)
      entries.set(stationId, { digest: digestOf(password), hash, expires: Date.now() + ttlMs })
    },
    forget(stationId: string): void {
      entries.delete(stationId)
    },
  }
}
