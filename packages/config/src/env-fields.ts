import { z } from 'zod'

// Field builders for environment variables: each takes the raw string and yields the typed
// value, or an issue whose message says what was expected (loadConfig adds what it got).

/** A TCP port, 1-65535. `port().default(8080)` for an optional one. */
export function port() {
  return z
    .string()
    .trim()
    .transform((raw, ctx) => {
      const value = Number(raw)
      if (/^\d+$/.test(raw) && value >= 1 && value <= 65_535) return value
      ctx.addIssue({ code: 'custom', message: 'expected a port number 1-65535' })
      return z.NEVER
    })
}

const TRUE = new Set(['true', '1', 'yes'])
const FALSE = new Set(['false', '0', 'no'])

/** true/false, 1/0 or yes/no, in any case. */
export function bool() {
  return z
    .string()
    .trim()
    .transform((raw, ctx) => {
      const value = raw.toLowerCase()
      if (TRUE.has(value)) return true
      if (FALSE.has(value)) return false
      ctx.addIssue({ code: 'custom', message: 'expected true/false, 1/0 or yes/no' })
      return z.NEVER
    })
}

export type UrlOptions = {
  /** Allowed schemes without "://", e.g. ['nats', 'tls'] or ['postgres', 'postgresql']. */
  protocols?: readonly string[]
}

const HAS_AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\//i

/** An absolute scheme://… URL, optionally limited to some schemes. The value stays as written. */
export function url(options: UrlOptions = {}) {
  const protocols = options.protocols?.map((p) => p.toLowerCase().replace(/:?(\/\/)?$/, ''))
  const expected = protocols
    ? `expected a ${protocols.map((p) => `${p}://`).join(' or ')} URL`
    : 'expected a URL'
  return z
    .string()
    .trim()
    .refine(
      (raw) => {
        // Require scheme://: WHATWG URL would read "localhost:4222" as scheme "localhost".
        if (!HAS_AUTHORITY.test(raw) || !URL.canParse(raw)) return false
        const scheme = new URL(raw).protocol.slice(0, -1)
        return protocols === undefined || protocols.includes(scheme)
      },
      { message: expected },
    )
}

/**
 * A comma-separated list, items trimmed and empty ones dropped: `csv()` for strings,
 * `csv(url({ protocols: ['nats'] }))` for a NATS server list.
 */
export function csv<T extends z.ZodType<unknown, string> = z.ZodString>(item?: T) {
  const element = (item ?? z.string()) as T
  return z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(z.array(element))
}
