const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const

/**
 * Reads a duration such as `500ms`, `30s`, `10m`, `1h` or `1m30s` into milliseconds; a bare
 * number counts as seconds. Returns undefined for anything else so callers can name the field.
 */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text * 1_000 : undefined
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1_000
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return undefined
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2] as keyof typeof UNIT_MS], 0)
}

/** `95s` → `1m35s`, for the terminal and reports. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1_000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`
}
