import { z } from 'zod'

const UNIT_BYTES = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 } as const
type Unit = keyof typeof UNIT_BYTES

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB)?$/i

/**
 * Parses "1048576", "512MiB", "1.5GiB" or "2TiB" into bytes (a bare number is bytes). Only binary
 * units: "GB" is refused rather than read as 10^9 or 2^30. Returns undefined for anything else,
 * zero and negative sizes included.
 */
export function parseByteSize(raw: string): number | undefined {
  const match = SIZE.exec(raw.trim())
  if (match === null) return undefined
  const unit = (match[2]?.toLowerCase() ?? 'b') as Unit
  const bytes = Math.round(Number(match[1]) * UNIT_BYTES[unit])
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined
}

/** A size in bytes, written as 512MiB, 4GiB, 1TiB (or plain bytes). */
export function byteSize() {
  return z.string().transform((raw, ctx) => {
    const bytes = parseByteSize(raw)
    if (bytes !== undefined) return bytes
    ctx.addIssue({ code: 'custom', message: 'expected a size such as 512MiB, 4GiB or 1TiB' })
    return z.NEVER
  })
}
