import { traceparentOf, tracestateOf } from '@csms/telemetry'
import type { Context } from '@opentelemetry/api'
import { HEADER } from './headers.js'

/**
 * A NATS header block, from name/value pairs (`name1, value1, name2, value2, …`; pairs whose
 * value is undefined are left out), written straight into its wire text. Building the same
 * headers with nats.js's `headers()` and `set()` (a map of arrays, a key search and a
 * canonical-name pass per set) cost the gateway more per CALL than its schema validation.
 * Values are trimmed and may not hold CR or LF, as nats.js requires: a station's message id
 * cannot smuggle a header in.
 */
export function wireHeaderText(...pairs: Array<string | undefined>): string {
  return `${headerLines('NATS/1.0\r\n', pairs)}\r\n`
}

/**
 * The header block `block` (from `wireHeaderText`) with more pairs: a hot path makes the
 * headers that never change once (per station, say) and adds the others per message.
 */
export function extendWireHeaders(block: string, ...pairs: Array<string | undefined>): string {
  return `${headerLines(block.slice(0, -2), pairs)}\r\n`
}

function headerLines(text: string, pairs: Array<string | undefined>): string {
  for (let i = 0; i < pairs.length; i += 2) {
    const value = pairs[i + 1]
    if (value === undefined) continue
    if (value.includes('\r') || value.includes('\n'))
      throw new TypeError(`header ${pairs[i]}: values cannot contain \\r or \\n`)
    text += `${pairs[i]}: ${value.trim()}\r\n`
  }
  return text
}

/** `traceparent` and `tracestate` of the span in `trace`, as pairs for `wireHeaderText` (undefined values are left out). */
export function traceHeaderPairs(trace: Context): [string, string | undefined, string, string | undefined] {
  return [HEADER.traceparent, traceparentOf(trace), 'tracestate', tracestateOf(trace)]
}
