import { type Kysely, sql } from 'kysely'
import type { SmartChargingDb } from './tables.js'

/**
 * Takes or renews the named lease for `holder`; true while it is ours. One statement: whoever
 * holds an unexpired lease keeps it, an expired one goes to the first who asks.
 */
export async function acquireLease(
  db: Kysely<SmartChargingDb>,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const row = await db
    .insertInto('leases')
    .values({
      name,
      holder,
      expires_at: sql`now() + ${`${ttlMs} milliseconds`}::interval` as unknown as Date,
    })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({
          holder,
          expires_at: sql`now() + ${`${ttlMs} milliseconds`}::interval` as unknown as Date,
        })
        .where((eb) =>
          eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<', sql<Date>`now()`)]),
        ),
    )
    .returning('holder')
    .executeTakeFirst()
  return row?.holder === holder
}

export async function releaseLease(db: Kysely<SmartChargingDb>, name: string, holder: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute()
}
