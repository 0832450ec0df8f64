import type { NatsConnection } from '@nats-io/nats-core'

/** A message as text: the subject, an optional reply subject and header block (`wireHeaderText`). */
export type WireMessage = {
  subject: string
  payload: string
  reply?: string | undefined
  headers?: string | undefined
}

/** The part of nats.js's protocol handler the writer uses (NatsConnectionImpl.protocol). */
type Protocol = {
  sendCommand(cmd: Uint8Array): void
  noMorePublishing?: boolean
  info?: { max_payload?: number }
}

/** A message over the server's max_payload: it was not published. */
export class PayloadTooLargeError extends Error {
  constructor(
    readonly subject: string,
    readonly bytes: number,
    readonly maxPayload: number,
  ) {
    super(`${subject}: ${bytes} bytes exceed the server's max_payload of ${maxPayload}`)
    this.name = 'PayloadTooLargeError'
  }
}

/**
 * Whether a subject holds a character that ends a protocol token or line (space, tab, CR, LF,
 * or another ASCII control character): a loop, not a regular expression, as it runs for every
 * message.
 */
function breaksLine(subject: string): boolean {
  for (let i = 0; i < subject.length; i++) if (subject.charCodeAt(i) <= 0x20) return true
  return false
}

function protocolOf(nc: NatsConnection): Protocol {
  const protocol = (nc as unknown as { protocol?: Partial<Protocol> }).protocol
  if (typeof protocol?.sendCommand !== 'function')
    throw new Error('nats.js has no protocol.sendCommand: the wire writer needs nats-core 3.x')
  return protocol as Protocol
}

/**
 * Publishes by writing NATS's own `PUB`/`HPUB` protocol lines and payloads, as text, into one
 * buffer that nats.js sends as it is. `nc.publish()` per message TextEncodes its protocol line,
 * checks the subject with a regular expression, takes the payload and headers as separate
 * buffers and copies them all together again before the socket write: for the gateway's message
 * log that was half of the log's cost, for its NATS requests a tenth of theirs. Subjects are the
 * platform's own (station ids are encoded into them), and are still refused with white space or
 * control characters in them: one in a protocol line would let the rest of the line be read as
 * another command.
 *
 * Like `nc.publish()`, it throws when the connection is closed or draining, and nats.js drops
 * what is written while it is disconnected. nats.js's message statistics do not count these.
 */
export function createWireWriter(nc: NatsConnection) {
  const protocol = protocolOf(nc)

  const check = () => {
    if (nc.isClosed()) throw new Error('NATS connection closed')
    if (protocol.noMorePublishing) throw new Error('NATS connection draining')
  }
  const checkSubjects = (m: WireMessage) => {
    if (m.subject === '' || breaksLine(m.subject) || (m.reply !== undefined && breaksLine(m.reply)))
      throw new TypeError(
        `not a NATS subject: ${JSON.stringify(m.subject)} (reply ${JSON.stringify(m.reply)})`,
      )
  }
  const maxPayload = () => protocol.info?.max_payload ?? Number.POSITIVE_INFINITY

  /** The protocol line of a message whose header block and payload have these byte lengths. */
  const lineOf = (m: WireMessage, headerBytes: number, payloadBytes: number): string => {
    const reply = m.reply === undefined ? '' : ` ${m.reply}`
    return m.headers === undefined
      ? `PUB ${m.subject}${reply} ${payloadBytes}\r\n`
      : `HPUB ${m.subject}${reply} ${headerBytes} ${headerBytes + payloadBytes}\r\n`
  }

  /** Writes one message at `at`; returns the bytes written. Protocol lines are ASCII (subjects are encoded). */
  const write = (buf: Buffer, at: number, m: WireMessage, line: string): number => {
    let o = at + buf.write(line, at, 'latin1')
    if (m.headers !== undefined) o += buf.write(m.headers, o, 'utf8')
    o += buf.write(m.payload, o, 'utf8')
    buf[o++] = 13
    buf[o++] = 10
    return o - at
  }

  return {
    /** One message; throws PayloadTooLargeError past max_payload. */
    publish(m: WireMessage): void {
      check()
      checkSubjects(m)
      const headerBytes = m.headers === undefined ? 0 : Buffer.byteLength(m.headers)
      const payloadBytes = Buffer.byteLength(m.payload)
      if (headerBytes + payloadBytes > maxPayload())
        throw new PayloadTooLargeError(m.subject, headerBytes + payloadBytes, maxPayload())
      const line = lineOf(m, headerBytes, payloadBytes)
      const buf = Buffer.allocUnsafe(line.length + headerBytes + payloadBytes + 2)
      write(buf, 0, m, line)
      protocol.sendCommand(buf)
    },
    /**
     * Many messages in one buffer and one nats.js command. Those past max_payload are left out
     * and returned, so that the caller can say what it could not publish.
     */
    publishAll(messages: readonly WireMessage[]): PayloadTooLargeError[] {
      check()
      const max = maxPayload()
      const refused: PayloadTooLargeError[] = []
      const lines: string[] = new Array(messages.length)
      let total = 0
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i] as WireMessage
        checkSubjects(m)
        const headerBytes = m.headers === undefined ? 0 : Buffer.byteLength(m.headers)
        const payloadBytes = Buffer.byteLength(m.payload)
        if (headerBytes + payloadBytes > max) {
          refused.push(new PayloadTooLargeError(m.subject, headerBytes + payloadBytes, max))
          lines[i] = ''
          continue
        }
        const line = lineOf(m, headerBytes, payloadBytes)
        lines[i] = line
        total += line.length + headerBytes + payloadBytes + 2
      }
      if (total === 0) return refused
      const buf = Buffer.allocUnsafe(total)
      let at = 0
      for (let i = 0; i < messages.length; i++) {
        const line = lines[i] as string
        if (line === '') continue
        at += write(buf, at, messages[i] as WireMessage, line)
      }
      protocol.sendCommand(buf)
      return refused
    },
  }
}

export type WireWriter = ReturnType<typeof createWireWriter>
