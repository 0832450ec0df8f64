import { z } from 'zod'
import { STATION_MODEL_NAMES, STATION_MODELS } from '../model/station-models.js'
import { parseDuration } from '../util/duration.js'

/** `30s`, `10m`, `1h30m`, `500ms`, or a number of seconds; read into milliseconds. */
const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v)
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration (use e.g. 500ms, 30s, 10m, 1h)` })
    return z.NEVER
  }
  return ms
})

const share = z.number().min(0).max(1)
const protocol = z.enum(['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6'])

export const CompositionEntrySchema = z
  .strictObject({
    model: z.enum(STATION_MODEL_NAMES),
    protocol: protocol.optional(),
    /** Relative share of the fleet. */
    weight: z.number().positive().default(1),
  })
  .refine((e) => e.protocol === undefined || STATION_MODELS[e.model].protocols.includes(e.protocol), {
    message: 'this station model does not speak that protocol (ac-legacy-16: ocpp1.6; v2g-bidi: ocpp2.1)',
  })

export const FeaturesSchema = z.strictObject({
  /** Authorize the idToken before charging (auth service). */
  authorize: z.boolean().default(false),
  /** TransactionEvent (2.x) / StartTransaction-StopTransaction (1.6). Off: arrivals only change status. */
  transactions: z.boolean().default(false),
  /** Periodic meter values during transactions. */
  meterValues: z.boolean().default(false),
  /** NotifyEVChargingNeeds from ISO 15118 stations after authorization. */
  chargingNeeds: z.boolean().default(false),
  /** Answer GetBaseReport / GetReport with NotifyReport messages. */
  notifyReport: z.boolean().default(true),
  /** Send a SecurityEventNotification at each (re)boot, as real stations do. */
  securityEvents: z.boolean().default(false),
})
export type Features = z.infer<typeof FeaturesSchema>

export const ArrivalsSchema = z.strictObject({
  /** EV arrivals per EVSE per hour (Poisson); 0 turns arrivals off. */
  perEvsePerHour: z.number().min(0).default(0),
  /** `steady`: constant rate; `peak`: the rate rises to 3x in the middle of the run and falls. */
  pattern: z.enum(['steady', 'peak']).default('steady'),
  /** How long an EV stays plugged in (uniform between min and max). */
  dwell: z.strictObject({ min: duration, max: duration }).default({ min: 120_000, max: 600_000 }),
  /**
   * EVs present ISO 14443 7-byte UIDs: these 6 hex digits and the token number in 8 hex digits
   * (`A1B2C300000007`); 1.6 stations send the same string as idTag.
   */
  idTokenPrefix: z
    .string()
    .regex(/^[0-9A-F]{6}$/, 'six upper-case hex digits')
    .default('5E1A00'),
  /** Distinct idTokens in the pool (the first N are what an operator would register). */
  idTokens: z.number().int().min(1).default(1_000),
  /** Share of arriving EVs that can discharge (V2G). */
  bidirectionalShare: share.default(0.5),
})

export const ReconnectSchema = z.strictObject({
  minWait: duration.default(1_000),
  randomRange: duration.default(2_000),
  repeatTimes: z.number().int().min(0).max(20).default(5),
})

export const BehaviourSchema = z.strictObject({
  /** `csms`: the interval the BootNotification answer gives; or a fixed interval. */
  heartbeatInterval: z.union([z.literal('csms'), duration]).default('csms'),
  meterInterval: duration.default(60_000),
  callTimeout: duration.default(30_000),
  /** Transaction messages kept while offline and replayed on reconnect. */
  offlineQueueLimit: z.number().int().min(0).default(1_000),
  features: FeaturesSchema.default(FeaturesSchema.parse({})),
  arrivals: ArrivalsSchema.default(ArrivalsSchema.parse({})),
  reconnect: ReconnectSchema.default(ReconnectSchema.parse({})),
  /** Basic-auth password (security profile 1); `{id}` is replaced by the station id. */
  password: z.string().optional(),
})
export type Behaviour = z.infer<typeof BehaviourSchema>

const at = { at: duration }
export const FaultSchema = z.discriminatedUnion('type', [
  /** A share of the fleet loses its connection (no close frame) and reconnects with back-off. */
  z.strictObject({ type: z.literal('drop'), ...at, fraction: share }),
  /** Every station drops at once and all reconnect at the same moment (power or network outage). */
  z.strictObject({
    type: z.literal('storm'),
    ...at,
    /** Spread of the reconnection over the fleet; 0 = truly at once. */
    spread: duration.default(0),
    /** Power outage: stations reboot (BootNotification); otherwise only the network went away. */
    reboot: z.boolean().default(true),
  }),
  /** A share of stations answers the CSMS slowly for the rest of the run. */
  z.strictObject({ type: z.literal('slow'), ...at, fraction: share, responseDelay: duration }),
])
export type Fault = z.infer<typeof FaultSchema>

export const ScenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  duration: duration,
  seed: z.number().int().default(1),
  fleet: z.strictObject({
    stations: z.number().int().min(1).max(200_000),
    idPrefix: z.string().min(1).max(24).default('SIM-'),
    composition: z.array(CompositionEntrySchema).min(1),
  }),
  rampUp: z
    .strictObject({
      /** New stations connecting per second across the fleet. */
      perSecond: z.number().positive().default(50),
    })
    .default({ perSecond: 50 }),
  behaviour: BehaviourSchema.default(BehaviourSchema.parse({})),
  faults: z.array(FaultSchema).default([]),
  processes: z
    .strictObject({
      /** Stations per child process (open files are capped at 20,000 per process). */
      stationsPerProcess: z.number().int().min(1).max(18_000).default(12_500),
      /** Loopback source addresses (127.0.0.2 …) spread over; 0 lets the kernel choose. */
      sourceAddresses: z.number().int().min(0).max(200).default(0),
    })
    .default({ stationsPerProcess: 12_500, sourceAddresses: 0 }),
  /** The run fails (exit 1) when it records more errors than this. */
  maxErrors: z.number().int().min(0).optional(),
})
export type Scenario = z.infer<typeof ScenarioSchema>
export type ScenarioInput = z.input<typeof ScenarioSchema>
