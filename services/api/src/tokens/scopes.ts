// Operator token scopes, each including the ones below it: admin ⊇ command ⊇ read.
export const SCOPES = ['read', 'command', 'admin'] as const
export type Scope = (typeof SCOPES)[number]

export function grants(held: readonly Scope[], needed: Scope): boolean {
  const rank = SCOPES.indexOf(needed)
  return held.some((s) => SCOPES.indexOf(s) >= rank)
}

/**
 * Requests that send a call to a station on an operator's behalf: a station command, and a
 * remote start or stop of a session (RequestStart/StopTransaction through the transaction routes).
 */
const COMMAND_ROUTES = [
  /^\/v1\/stations\/[^/]+\/commands\/[^/]+$/,
  /^\/v1\/transactions$/,
  /^\/v1\/transactions\/[^/]+\/stop$/,
]

/** GET reads; a command to a station needs `command`; every other change needs `admin`. */
export function scopeFor(method: string, path: string): Scope {
  if (method === 'GET' || method === 'HEAD') return 'read'
  if (method === 'POST' && COMMAND_ROUTES.some((route) => route.test(path))) return 'command'
  return 'admin'
}
