import { EVENTS_STREAM, encodeStationId } from '@csms/bus'
import { type OpenAPIHono, z } from '@hono/zod-openapi'
import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream'
import { streamSSE } from 'hono/streaming'
import { problem } from '../http/problem.js'

const TYPE = /^[a-z0-9-]+(\.[a-z0-9-]+)?$/

/**
 * The JetStream filter for an event type (`transaction` or `transaction.started`) and station.
 * Without a station, `evt.<domain>.>` is the narrowest single filter that also matches events
 * carrying no station token; the exact event is then checked by `matchesType`.
 */
export function eventFilter(type: string | undefined, stationId: string | undefined): string {
  const [domain, event] = type ? type.split('.') : []
  if (stationId === undefined) return domain ? `evt.${domain}.>` : 'evt.>'
  return `evt.${domain ?? '*'}.${event ?? '*'}.${encodeStationId(stationId)}`
}

export function matchesType(subject: string, type: string | undefined): boolean {
  if (!type?.includes('.')) return true
  return subject.split('.').slice(1, 3).join('.') === type
}

/**
 * GET /v1/events: the domain events of CSMS_EVENTS as server-sent events. Each event's id is its
 * stream sequence, so a client that reconnects with Last-Event-ID resumes right after the last
 * event it saw and misses nothing the stream still retains.
 */
export function registerEventRoutes(app: OpenAPIHono, js: JetStreamClient) {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/v1/events',
    summary: 'Domain events as server-sent events, resumable with Last-Event-ID',
    request: {
      query: z.object({
        type: z.string().optional().openapi({ example: 'transaction.started' }),
        stationId: z.string().optional(),
        lastEventId: z.string().optional(),
      }),
    },
    responses: { 200: { description: 'text/event-stream; each id is the CSMS_EVENTS sequence' } },
  })
  app.get('/v1/events', async (c) => {
    const type = c.req.query('type')
    const stationId = c.req.query('stationId')
    if (type !== undefined && !TYPE.test(type))
      return problem(c, 400, 'type must look like "transaction" or "transaction.started"')
    const lastId = c.req.header('last-event-id') ?? c.req.query('lastEventId')
    const after = lastId === undefined ? undefined : Number(lastId)
    if (after !== undefined && (!Number.isSafeInteger(after) || after < 0)) {
      return problem(c, 400, 'Last-Event-ID must be a stream sequence number')
    }
    const consumer = await js.consumers.get(EVENTS_STREAM, {
      filter_subjects: eventFilter(type, stationId),
      ...(after === undefined
        ? { deliver_policy: DeliverPolicy.New }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: after + 1 }),
    })
    return streamSSE(c, async (stream) => {
      const messages = await consumer.consume()
      stream.onAbort(() => void messages.close())
      const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n'), 15_000)
      try {
        await stream.write(': connected\n\n')
        for await (const m of messages) {
          if (!matchesType(m.subject, type)) continue
          const body = m.string()
          const eventType = (JSON.parse(body) as { type?: string }).type ?? m.subject
          await stream.writeSSE({ id: String(m.seq), event: eventType, data: body })
        }
      } finally {
        clearInterval(keepAlive)
      }
    })
  })
}
