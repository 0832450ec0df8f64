import { chooseTariff, type Tariff } from './cost.js'

// Which tariff a session gets: its token group's, else its site's, else the default. Tariffs
// and station sites change rarely and are read on every session start, so both are cached
// for a short while; a change shows within `ttlMs`.

export type TariffResolver = {
  resolve(ctx: { stationId: string; groupIdToken: string | null }): Promise<Tariff | null>
  invalidate(): void
}

export function createTariffResolver(deps: {
  listTariffs: () => Promise<Tariff[]>
  /** The station's site, or null when unknown (device-management not answering counts as unknown). */
  siteOf: (stationId: string) => Promise<string | null>
  ttlMs: number
  now?: () => number
}): TariffResolver {
  const now = deps.now ?? Date.now
  let tariffs: { at: number; list: Promise<Tariff[]> } | null = null
  const sites = new Map<string, { at: number; site: Promise<string | null> }>()

  const currentTariffs = () => {
    if (tariffs === null || now() - tariffs.at > deps.ttlMs) {
      const list = deps.listTariffs()
      tariffs = { at: now(), list }
      list.catch(() => {
        tariffs = null
      })
    }
    return tariffs.list
  }
  const siteOf = (stationId: string) => {
    const hit = sites.get(stationId)
    if (hit && now() - hit.at <= deps.ttlMs) return hit.site
    const site = deps.siteOf(stationId).catch(() => null)
    if (sites.size > 100_000) sites.clear()
    sites.set(stationId, { at: now(), site })
    return site
  }

  return {
    async resolve(ctx) {
      const list = await currentTariffs()
      if (list.length === 0) return null
      const needsSite = list.some((t) => t.scope === 'site')
      const siteId = needsSite ? await siteOf(ctx.stationId) : null
      return chooseTariff(list, { siteId, groupIdToken: ctx.groupIdToken })
    },
    invalidate() {
      tariffs = null
      sites.clear()
    },
  }
}
