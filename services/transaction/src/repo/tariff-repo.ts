import type { Kysely } from 'kysely'
import type { Tariff, TariffScope } from '../domain/cost.js'
import type { TransactionDb } from './tables.js'

/** Tariffs per token group, site or default (domain/cost.ts chooses among them). */
export function createTariffQueries(db: Kysely<TransactionDb>) {
  return {
    async upsertTariff(t: Tariff): Promise<void> {
      const set = {
        scope: t.scope,
        scope_key: t.scope === 'default' ? '' : t.scopeKey,
        currency: t.currency,
        price_per_kwh: t.pricePerKwh,
        price_per_minute: t.pricePerMinute,
        updated_at: new Date(),
      }
      await db
        .insertInto('tariffs')
        .values({ id: t.id, ...set })
        .onConflict((oc) => oc.column('id').doUpdateSet(set))
        .execute()
    },

    async listTariffs(): Promise<Tariff[]> {
      const found = await db.selectFrom('tariffs').selectAll().orderBy('id').execute()
      return found.map((r) => ({
        id: r.id,
        scope: r.scope as TariffScope,
        scopeKey: r.scope_key,
        currency: r.currency,
        pricePerKwh: r.price_per_kwh,
        pricePerMinute: r.price_per_minute,
      }))
    },
  }
}
