/**
 * The JSON Schema `date-time` format: RFC 3339 §5.6 `date-time`, with the offset required.
 *
 * It accepts exactly what ajv-formats (full mode) accepts, because the OCPP schemas are checked
 * against that validator and a CSMS must not be stricter or looser than its peers' validators:
 * `T`, `t` or a whitespace character between date and time (RFC 3339 §5.6 NOTE), `Z`/`z` or an
 * offset `+hh`, `+hhmm` or `+hh:mm`, any number of fraction digits, and a leap second only at
 * 23:59:60 UTC. The equivalence test checks this against ajv-formats on generated strings.
 * Written with char codes rather than a regular expression: it runs on every timestamp of every
 * frame, and this is several times faster.
 */
export function isDateTime(s: string): boolean {
  if (s.length < 20) return false
  if (!isDate(s)) return false
  if (!isSeparator(s.charCodeAt(10))) return false
  return isTimeWithOffset(s, 11)
}

const DASH = 45
const COLON = 58
const DOT = 46
const PLUS = 43
const MINUS = 45

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48
  return d >= 0 && d <= 9 ? d : -1
}

/** Two ASCII digits at i as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = digit(s, i)
  const b = digit(s, i + 1)
  return a < 0 || b < 0 ? -1 : a * 10 + b
}

function isDate(s: string): boolean {
  const century = twoDigits(s, 0)
  const yy = twoDigits(s, 2)
  const month = twoDigits(s, 5)
  const day = twoDigits(s, 8)
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1) return false
  if (s.charCodeAt(4) !== DASH || s.charCodeAt(7) !== DASH) return false
  return day <= daysInMonth(century * 100 + yy, month)
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** `t`, `T` or any character JavaScript's `\s` matches, as in ajv-formats. */
function isSeparator(c: number): boolean {
  if (c === 84 || c === 116 || c === 32) return true
  if (c >= 9 && c <= 13) return true
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  )
}

function isTimeWithOffset(s: string, start: number): boolean {
  const hour = twoDigits(s, start)
  const minute = twoDigits(s, start + 3)
  let second = twoDigits(s, start + 6)
  if (hour < 0 || minute < 0 || second < 0) return false
  if (s.charCodeAt(start + 2) !== COLON || s.charCodeAt(start + 5) !== COLON) return false
  let i = start + 8
  if (s.charCodeAt(i) === DOT) {
    const from = ++i
    while (digit(s, i) >= 0) i++
    if (i === from) return false
    // Past ~12 digits the fraction can round the seconds up to the next integer when read as a
    // double, which is how ajv-formats reads them; do the same there to agree on such inputs.
    if (i - from > 12) second = Number(s.slice(start + 6, i))
  }
  const offset = readOffset(s, i)
  if (offset === undefined) return false
  if (hour <= 23 && minute <= 59 && second < 60) return true
  // A leap second is valid only where it falls on 23:59:60 UTC (RFC 3339 §5.7).
  const utcMinute = minute - offset.minutes * offset.sign
  const utcHour = hour - offset.hours * offset.sign - (utcMinute < 0 ? 1 : 0)
  return (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61
}

type Offset = { sign: number; hours: number; minutes: number }
const UTC: Offset = { sign: 1, hours: 0, minutes: 0 }

/** `Z`, `z`, `+hh`, `+hhmm` or `+hh:mm` running exactly to the end of the string. */
function readOffset(s: string, i: number): Offset | undefined {
  const c = s.charCodeAt(i)
  if (c === 90 || c === 122) return i + 1 === s.length ? UTC : undefined
  if (c !== PLUS && c !== MINUS) return undefined
  const hours = twoDigits(s, i + 1)
  if (hours < 0 || hours > 23) return undefined
  let j = i + 3
  let minutes = 0
  if (j < s.length) {
    if (s.charCodeAt(j) === COLON) j++
    minutes = twoDigits(s, j)
    if (minutes < 0 || minutes > 59) return undefined
    j += 2
  }
  if (j !== s.length) return undefined
  return { sign: c === MINUS ? -1 : 1, hours, minutes }
}
