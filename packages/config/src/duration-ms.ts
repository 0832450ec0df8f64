import { z } from 'zod'

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
type Unit = keyof typeof UNIT_MS

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i

/**
 * Parses "250", "250ms", "1.5s", "2m", "1h" or "1d" into milliseconds (a bare number is
 * milliseconds). Returns undefined for anything else, including negative values.
 */
export function parseDurationMs(raw: string): number | undefined {
  const match = DURATION.exec(raw.trim())
  if (match === null) return undefined
  const amount = Number(match[1])
  const unit = (match[2]?.toLowerCase() ?? 'ms') as Unit
  const ms = Math.round(amount * UNIT_MS[unit])
  return Number.isSafeInteger(ms) ? ms : undefined
}

/** A duration in milliseconds, written as 500ms, 5s, 2m, 1h (or plain milliseconds). */
export function durationMs() {
  return z.string().transform((raw, ctx) => {
    const ms = parseDurationMs(raw)
    if (ms !== undefined) return ms
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 500ms, 5s, 2m or 1h' })
    return z.NEVER
  })
}
