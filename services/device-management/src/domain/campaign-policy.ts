// Pure decisions of a fleet campaign; the repo applies them atomically in SQL.

/** How long a station may take before it counts as failed, unless the operator says. */
export function defaultTargetTimeoutS(kind: 'firmware' | 'configuration'): number {
  return kind === 'firmware' ? 3600 : 300
}

/** A configuration change succeeded on a station when every item was taken (maybe at reboot). */
export function configurationOutcome(
  statuses: readonly string[],
): { ok: true; rebootRequired: boolean } | { ok: false; error: string } {
  const refused = statuses.filter((s) => s !== 'Accepted' && s !== 'RebootRequired')
  if (statuses.length === 0) return { ok: false, error: 'the station answered no result' }
  if (refused.length > 0) return { ok: false, error: `refused: ${[...new Set(refused)].join(', ')}` }
  return { ok: true, rebootRequired: statuses.includes('RebootRequired') }
}
