// A simple tariff: a price per kWh and a price per minute of session, per site or per token
// group, with a default. The tariff that applies is chosen when the session starts (or when its
// token is first known) and kept on the session, so a later tariff change does not rewrite it.

export const TARIFF_SCOPES = ['group', 'site', 'default'] as const
export type TariffScope = (typeof TARIFF_SCOPES)[number]

export type Tariff = {
  id: string
  scope: TariffScope
  /** The group idToken or site id; '' for the default. */
  scopeKey: string
  currency: string
  pricePerKwh: number
  pricePerMinute: number
}

const PRECEDENCE: Readonly<Record<TariffScope, number>> = { group: 3, site: 2, default: 1 }

/** The more specific of two tariffs: a token group beats a site beats the default. */
export function preferTariff(current: Tariff | null, candidate: Tariff | null): Tariff | null {
  if (candidate === null) return current
  if (current === null) return candidate
  return PRECEDENCE[candidate.scope] > PRECEDENCE[current.scope] ? candidate : current
}

/** Picks the tariff for a session from those configured. */
export function chooseTariff(
  tariffs: readonly Tariff[],
  ctx: { siteId: string | null; groupIdToken: string | null },
): Tariff | null {
  let best: Tariff | null = null
  for (const t of tariffs) {
    const applies =
      t.scope === 'default' ||
      (t.scope === 'site' && ctx.siteId !== null && t.scopeKey === ctx.siteId) ||
      (t.scope === 'group' &&
        ctx.groupIdToken !== null &&
        t.scopeKey.toLowerCase() === ctx.groupIdToken.toLowerCase())
    if (applies) best = preferTariff(best, t)
  }
  return best
}

/** Cost in the tariff's currency, rounded to cents: energy × price per kWh + minutes × price per minute. */
export function sessionCost(
  tariff: Tariff,
  energyWh: number,
  startedAt: string | null,
  until: string | null,
): number {
  const minutes =
    startedAt !== null && until !== null
      ? Math.max(0, (Date.parse(until) - Date.parse(startedAt)) / 60_000)
      : 0
  const raw = (energyWh / 1000) * tariff.pricePerKwh + minutes * tariff.pricePerMinute
  return Math.round(raw * 100) / 100
}
