// Recurring daily windows (UTC), e.g. a time-of-use tariff 17:00-20:00 on weekdays or a
// depot that may charge 22:00-06:00. A window whose end is not after its start crosses midnight.

export type DailyWindow = {
  /** Days the window starts on, 0 = Sunday (UTC); absent = every day. */
  days?: readonly number[] | undefined
  /** `HH:MM` UTC. */
  start: string
  /** `HH:MM` UTC; `24:00` allowed. */
  end: string
}

const DAY_MS = 86_400_000

export function minuteOfDay(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm)
  if (!m) throw new Error(`not HH:MM: ${hhmm}`)
  return Number(m[1]) * 60 + Number(m[2])
}

/** Occurrences of the window overlapping [from, to], as [start, end) in epoch ms. */
export function occurrences(w: DailyWindow, from: number, to: number): Array<[number, number]> {
  const startMin = minuteOfDay(w.start)
  let endMin = minuteOfDay(w.end)
  if (endMin <= startMin) endMin += 24 * 60
  const out: Array<[number, number]> = []
  const firstDay = Math.floor(from / DAY_MS) - 1
  const lastDay = Math.floor(to / DAY_MS)
  for (let day = firstDay; day <= lastDay; day++) {
    const dayStart = day * DAY_MS
    const weekday = (((day + 4) % 7) + 7) % 7 // 1970-01-01 was a Thursday
    if (w.days && !w.days.includes(weekday)) continue
    const s = dayStart + startMin * 60_000
    const e = dayStart + endMin * 60_000
    if (s <= to && e > from) out.push([s, e])
  }
  return out
}

export function isOpen(windows: readonly DailyWindow[], at: number): boolean {
  return windows.some((w) => occurrences(w, at, at).some(([s, e]) => s <= at && at < e))
}

/** The first instant after `at` when any of the windows opens or closes. */
export function nextBoundary(windows: readonly DailyWindow[], at: number): number | undefined {
  let next: number | undefined
  for (const w of windows) {
    for (const [s, e] of occurrences(w, at, at + 2 * DAY_MS)) {
      for (const t of [s, e]) if (t > at && (next === undefined || t < next)) next = t
    }
  }
  return next
}

/** Milliseconds of [from, to) inside any of the windows (overlapping windows counted once). */
export function openTimeMs(windows: readonly DailyWindow[], from: number, to: number): number {
  if (to <= from) return 0
  const spans = windows
    .flatMap((w) => occurrences(w, from, to))
    .map(([s, e]) => [Math.max(s, from), Math.min(e, to)] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0])
  let total = 0
  let end = from
  for (const [s, e] of spans) {
    const start = Math.max(s, end)
    if (e > start) total += e - start
    end = Math.max(end, e)
  }
  return total
}
