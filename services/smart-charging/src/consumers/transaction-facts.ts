import { type ConsumerHandle, consumeEvents, EVENTS_STREAM } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream'
import { z } from 'zod'
import type { Balancer, TransactionInput } from '../balancer/balancer.js'

// What smart charging reads of the transaction service's facts, and no more: fields it does
// not know are ignored and missing ones tolerated, so the two services can evolve apart.

const TokenSchema = z.union([z.string(), z.object({ idToken: z.string() }).transform((t) => t.idToken)])

export const TransactionFactInputSchema = z.looseObject({
  transactionId: z.string(),
  stationId: z.string(),
  evseId: z.number().int().nullable().optional(),
  eventType: z.string().optional(),
  state: z.enum(['active', 'ended']).optional(),
  startedAt: z.string().nullable().optional(),
  at: z.string().optional(),
  chargingState: z.string().nullable().optional(),
  energyWh: z.number().optional(),
  idToken: TokenSchema.nullable().optional(),
  groupIdToken: TokenSchema.nullable().optional(),
  meter: z.looseObject({ powerActiveImportW: z.number().optional() }).optional(),
})

export const MeterFactInputSchema = z.looseObject({
  stationId: z.string(),
  evseId: z.number().int(),
  transactionId: z.string().nullable().optional(),
  readings: z.array(
    z.looseObject({
      timestamp: z.string(),
      measurand: z.string(),
      phase: z.string().nullable().optional(),
      normalized: z.number().nullable().optional(),
    }),
  ),
})

export function toTransactionInput(subject: string, data: unknown): TransactionInput | undefined {
  const parsed = TransactionFactInputSchema.safeParse(data)
  if (!parsed.success) return undefined
  const f = parsed.data
  const ended =
    f.state === 'ended' ||
    (f.state === undefined && (f.eventType === 'Ended' || subject.startsWith('evt.transaction.ended.')))
  return {
    stationId: f.stationId,
    evseId: f.evseId ?? null,
    transactionId: f.transactionId,
    state: ended ? 'ended' : 'active',
    eventType: f.eventType ?? subject.split('.')[2] ?? 'Updated',
    startedAt: f.startedAt ?? null,
    at: f.at ?? new Date().toISOString(),
    chargingState: f.chargingState ?? null,
    energyWh: f.energyWh ?? 0,
    idToken: f.idToken ?? null,
    groupIdToken: f.groupIdToken ?? null,
    powerW: f.meter?.powerActiveImportW,
  }
}

/** Durable consumer of evt.transaction.> (the balancer's leader runs it). */
export function consumeTransactionFacts(deps: {
  js: JetStreamClient
  jsm: JetStreamManager
  balancer: Balancer
  logger: Logger
}): Promise<ConsumerHandle> {
  return consumeEvents({
    js: deps.js,
    jsm: deps.jsm,
    stream: EVENTS_STREAM,
    durable: 'smart-charging-transactions',
    filterSubject: 'evt.transaction.>',
    logger: deps.logger,
    async handle(event, subject) {
      if (subject.startsWith('evt.transaction.meter.')) {
        const m = MeterFactInputSchema.safeParse(event.data)
        if (!m.success) return
        const power = m.data.readings.filter(
          (r) => r.measurand === 'Power.Active.Import' && !r.phase && r.normalized != null,
        )
        const last = power.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp)).at(-1)
        if (last?.normalized == null) return
        await deps.balancer.onMeter(
          m.data.stationId,
          m.data.evseId,
          m.data.transactionId ?? null,
          last.normalized,
          new Date(last.timestamp),
        )
        return
      }
      if (!/^evt\.transaction\.(started|updated|ended)\./.test(subject)) return
      const input = toTransactionInput(subject, event.data)
      if (!input) {
        deps.logger.warn({ subject }, 'transaction fact not understood, skipped')
        return
      }
      await deps.balancer.onTransaction(input)
    },
  })
}
