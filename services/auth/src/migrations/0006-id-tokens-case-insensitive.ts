import { type Kysely, sql } from 'kysely'

// "IdToken is case insensitive" (OCPP 2.0.1/2.1 IdTokenType; a 1.6 idTag is a CiString20):
// one token per value regardless of case and type, found through this index on every Authorize.
export async function up(db: Kysely<unknown>): Promise<void> {
  const clashes = await sql<{ id_token: string; type: string }>`
    select min(id_token) as id_token, type from id_tokens
    group by lower(id_token), type having count(*) > 1 limit 5`.execute(db)
  if (clashes.rows.length > 0) {
    const names = clashes.rows.map((r) => `${r.type} ${r.id_token}`).join(', ')
    throw new Error(`idTokens that differ only in case must be merged first: ${names}`)
  }
  await sql`create unique index id_tokens_ci on id_tokens (lower(id_token), type)`.execute(db)
  await sql`drop index id_tokens_group`.execute(db)
  await sql`create index id_tokens_group on id_tokens (lower(group_id_token), group_type)
    where group_id_token is not null`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index id_tokens_group`.execute(db)
  await sql`create index id_tokens_group on id_tokens (group_id_token, group_type)
    where group_id_token is not null`.execute(db)
  await sql`drop index id_tokens_ci`.execute(db)
}
