import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Scope } from './scopes.js'

type TokensTable = {
  id: string
  name: string
  token_hash: string
  scopes: Scope[]
  created_at: Date | undefined
  revoked_at: Date | null
}
export type ApiDb = { api_tokens: TokensTable }

export type TokenInfo = {
  id: string
  name: string
  scopes: Scope[]
  createdAt: string
  revokedAt: string | null
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/**
 * Operator tokens, stored as SHA-256 digests (they are random 256-bit secrets, so a slow hash
 * buys nothing). Lookups are cached briefly: revocation takes effect within `cacheMs` on every
 * API replica.
 */
export function createTokenStore(db: Kysely<ApiDb>, opts: { bootstrapToken: string; cacheMs?: number }) {
  const bootstrapHash = hashToken(opts.bootstrapToken)
  const cacheMs = opts.cacheMs ?? 5_000
  const cache = new Map<string, { scopes: Scope[] | null; expires: number }>()
  const view = (r: TokensTable): TokenInfo => ({
    id: r.id,
    name: r.name,
    scopes: r.scopes,
    createdAt: (r.created_at ?? new Date()).toISOString(),
    revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
  })
  return {
    /** The scopes a presented token holds, or null when it is unknown or revoked. */
    async scopesOf(token: string): Promise<Scope[] | null> {
      const hash = hashToken(token)
      if (hash === bootstrapHash) return ['admin']
      const hit = cache.get(hash)
      if (hit && hit.expires > Date.now()) return hit.scopes
      const row = await db
        .selectFrom('api_tokens')
        .select(['scopes', 'revoked_at'])
        .where('token_hash', '=', hash)
        .executeTakeFirst()
      const scopes = row && row.revoked_at === null ? row.scopes : null
      if (cache.size > 10_000) cache.clear()
      cache.set(hash, { scopes, expires: Date.now() + cacheMs })
      return scopes
    },
    async create(name: string, scopes: Scope[]): Promise<TokenInfo & { token: string }> {
      const token = `csms_${randomBytes(32).toString('base64url')}`
      const row = await db
        .insertInto('api_tokens')
        .values({
          id: randomUUID(),
          name,
          token_hash: hashToken(token),
          scopes,
          created_at: undefined,
          revoked_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return { ...view(row), token }
    },
    async list(): Promise<TokenInfo[]> {
      const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute()
      return rows.map(view)
    },
    async revoke(id: string): Promise<boolean> {
      const r = await db
        .updateTable('api_tokens')
        .set({ revoked_at: new Date() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    },
  }
}

export type TokenStore = ReturnType<typeof createTokenStore>
