import { randomFillSync } from 'node:crypto'

// Trace and span ids as the hex text that `traceparent` carries, cut from a pool of random bytes
// hex-encoded 4 KiB at a time. The SDK's RandomIdGenerator fills a buffer from Math.random and
// hex-encodes it for every id: for the gateway, which starts a trace per station CALL, that was
// over 1 % of its CPU. These come from the operating system's CSPRNG.

const POOL_BYTES = 4096
const INVALID_TRACE_ID = '0'.repeat(32)
const INVALID_SPAN_ID = '0'.repeat(16)

let pool = ''
let at = 0

function take(chars: number): string {
  if (at + chars > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES)).toString('hex')
    at = 0
  }
  const id = pool.slice(at, at + chars)
  at += chars
  return id
}

/** 16 random bytes as 32 hex digits, never all zeros (an invalid trace id). */
export function randomTraceId(): string {
  const id = take(32)
  return id === INVALID_TRACE_ID ? randomTraceId() : id
}

/** 8 random bytes as 16 hex digits, never all zeros (an invalid span id). */
export function randomSpanId(): string {
  const id = take(16)
  return id === INVALID_SPAN_ID ? randomSpanId() : id
}
