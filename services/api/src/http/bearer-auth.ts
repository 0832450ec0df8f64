import type { MiddlewareHandler } from 'hono'
import { grants, scopeFor } from '../tokens/scopes.js'
import type { TokenStore } from '../tokens/token-store.js'
import { problem } from './problem.js'

/**
 * Every route behind this needs `Authorization: Bearer <token>` holding the scope the request
 * needs (GET: read; a station command or a remote start/stop: command; any other change: admin).
 */
export function bearerAuth(store: TokenStore): MiddlewareHandler {
  return async (c, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')
    if (!match?.[1]) {
      c.header('www-authenticate', 'Bearer')
      return problem(c, 401, 'a bearer token is required')
    }
    const scopes = await store.scopesOf(match[1])
    if (!scopes) {
      c.header('www-authenticate', 'Bearer error="invalid_token"')
      return problem(c, 401, 'the bearer token is not valid')
    }
    const needed = scopeFor(c.req.method, c.req.path)
    if (!grants(scopes, needed)) {
      c.header('www-authenticate', `Bearer error="insufficient_scope", scope="${needed}"`)
      return problem(c, 403, `this token lacks the ${needed} scope`)
    }
    await next()
  }
}
