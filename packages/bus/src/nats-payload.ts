import type { Msg, MsgHdrs } from '@nats-io/nats-core'
import { headers } from '@nats-io/nats-core'
import { HEADER } from './headers.js'

/** A reply to an OCPP request: the CALLRESULT payload, or what becomes a CALLERROR. */
export type OcppReply =
  | { ok: true; payload: unknown }
  | { ok: false; code: string; description: string; details: unknown }

export function encodeJson(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value))
}

export function decodeJson(data: Uint8Array): unknown {
  return data.length === 0
    ? undefined
    : JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.length).toString('utf8'))
}

export function errorHeaders(code: string, description: string): MsgHdrs {
  const h = headers()
  h.set(HEADER.errorCode, code)
  // NATS headers are single-line: keep the description on one line and bounded.
  h.set(HEADER.errorDescription, description.replace(/[\r\n]+/g, ' ').slice(0, 255))
  return h
}

/** Reads a reply message: an error header turns it into the error outcome. */
export function readOcppReply(msg: Msg): OcppReply {
  const code = msg.headers?.get(HEADER.errorCode)
  if (code) {
    return {
      ok: false,
      code,
      description: msg.headers?.get(HEADER.errorDescription) ?? '',
      details: msg.data.length > 0 ? decodeJson(msg.data) : {},
    }
  }
  return { ok: true, payload: decodeJson(msg.data) }
}

/** `msg`: the request, or anything that answers its reply subject. */
export function replyOcpp(msg: Pick<Msg, 'respond'>, reply: OcppReply): void {
  if (reply.ok) msg.respond(encodeJson(reply.payload))
  else msg.respond(encodeJson(reply.details ?? {}), { headers: errorHeaders(reply.code, reply.description) })
}
