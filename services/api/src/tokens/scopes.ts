// Operator token scopes, each including the ones below it: admin ⊇ command ⊇ read.
export const SCOPES = ['read', 'command', 'admin'] as const
export type Scope = (typeof SCOPES)[number]

export function grants(held: readonly Scope[], needed: Scope): boolean {
  const rank = SCOPES.indexOf(needed)
  return held.some((s) => SCOPES.indexOf(s) >= rank)
}

/** GET reads; sending a command to a station needs `command`; every other change needs `admin`. */
export function scopeFor(method: string, path: string): Scope {
  if (method === 'GET' || method === 'HEAD') return 'read'
  if (method === 'POST' && /^\/v1\/stations\/[^/]+\/commands\/[^/]+$/.test(path)) return 'command'
  return 'admin'
}
