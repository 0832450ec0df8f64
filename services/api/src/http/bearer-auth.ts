import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { problem } from './problem.js'

const digest = (s: string) => createHash('sha256').update(s).digest()

/**
 * Every route behind this needs `Authorization: Bearer <token>`. Tokens are compared as SHA-256
 * digests in constant time, so neither their length nor their prefix leaks through timing.
 */
export function bearerAuth(tokens: readonly string[]): MiddlewareHandler {
  const known = tokens.map(digest)
  return async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    if (!match?.[1]) {
      c.header('www-authenticate', 'Bearer')
      return problem(c, 401, 'a bearer token is required')
    }
    const presented = digest(match[1])
    if (!known.some((k) => timingSafeEqual(k, presented))) {
      c.header('www-authenticate', 'Bearer error="invalid_token"')
      return problem(c, 401, 'the bearer token is not valid')
    }
    await next()
  }
}
