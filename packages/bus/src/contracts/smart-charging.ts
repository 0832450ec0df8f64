import { z } from 'zod'
import { defineRpc } from '../rpc.js'

// What the smart-charging service offers the operator API over NATS, and the facts it publishes
// on CSMS_EVENTS (evt.smart-charging.<allocation|limit|composite-mismatch|external-limit|ev-needs>).

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM (UTC)')

/** A recurring daily window (UTC); an end not after the start crosses midnight. */
export const DailyWindowSchema = z.object({
  days: z.array(z.number().int().min(0).max(6)).min(1).max(7).optional(),
  start: HHMM,
  end: HHMM,
})
export type DailyWindowInput = z.infer<typeof DailyWindowSchema>

const watts = z.number().min(0).max(1e9)
const amps = z.number().min(0).max(1e6)

export const TimeOfUseLimitSchema = DailyWindowSchema.extend({
  limitW: watts.optional(),
  limitA: amps.optional(),
})
export const ScheduledLimitSchema = z.object({
  limitW: watts.optional(),
  limitA: amps.optional(),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }).optional(),
  source: z.string().max(64).optional(),
})

/** What an EVSE of a site is assumed to be when the EV and the station say nothing. */
export const EvseDefaultsSchema = z.object({
  current: z.enum(['AC', 'DC']).default('AC'),
  phases: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(3),
  voltage: z.number().min(100).max(1000).default(230),
  maxCurrentA: z.number().min(6).max(1000).default(32),
  maxPowerW: watts.default(22_000),
  minCurrentA: z.number().min(0).max(100).default(6),
})
export type EvseDefaults = z.infer<typeof EvseDefaultsSchema>

/** A site (the root: a grid connection) or a group inside it. */
export const NodeInputSchema = z.object({
  name: z.string().max(128).optional(),
  parentId: z.string().min(1).max(64).nullable().optional(),
  limitW: watts.nullable().optional(),
  limitA: amps.nullable().optional(),
  /** Least the grid operator guarantees: EV deadlines are admitted against it. Default: the limit. */
  firmLimitW: watts.nullable().optional(),
  firmLimitA: amps.nullable().optional(),
  timeOfUse: z.array(TimeOfUseLimitSchema).max(48).optional(),
  defaults: EvseDefaultsSchema.partial().optional(),
  /**
   * Sites: the TxDefaultProfile installed on their stations, which holds a new transaction until
   * its share arrives (null: none). Default 0 A, so nothing draws power unallocated.
   */
  txDefaultLimit: z
    .object({ unit: z.enum(['A', 'W']), limit: z.number().min(0) })
    .nullable()
    .optional(),
})
export type NodeInput = z.infer<typeof NodeInputSchema>

export const EvseAllocationViewSchema = z.object({
  stationId: z.string(),
  evseId: z.number().int(),
  transactionId: z.string(),
  nodeId: z.string(),
  priority: z.number(),
  current: z.enum(['AC', 'DC']),
  phases: z.number().int(),
  allocatedW: z.number(),
  allocatedA: z.number().nullable(),
  reason: z.string(),
  /** The most the station may draw now (its acknowledged profile, or its default). */
  boundW: z.number().nullable(),
  profileStatus: z.enum(['none', 'accepted', 'pending', 'failed']),
  measuredW: z.number().nullable(),
  measuredAt: z.string().nullable(),
  energyWh: z.number(),
  deadline: z
    .object({
      energyWh: z.number(),
      remainingWh: z.number(),
      departureAt: z.string(),
      feasible: z.boolean(),
      requiredW: z.number(),
    })
    .nullable(),
})
export type EvseAllocationView = z.infer<typeof EvseAllocationViewSchema>

export const NodeViewSchema = z.object({
  id: z.string(),
  siteId: z.string(),
  parentId: z.string().nullable(),
  name: z.string().nullable(),
  limitW: z.number().nullable(),
  limitA: z.number().nullable(),
  firmLimitW: z.number().nullable(),
  firmLimitA: z.number().nullable(),
  /** The limit allocated against now (scheduled and time-of-use limits applied). */
  effectiveLimitW: z.number().nullable(),
  effectiveLimitA: z.number().nullable(),
  schedule: z.array(ScheduledLimitSchema),
  timeOfUse: z.array(TimeOfUseLimitSchema),
  defaults: EvseDefaultsSchema.partial(),
  txDefaultLimit: z.object({ unit: z.enum(['A', 'W']), limit: z.number() }).nullable(),
  allocatedW: z.number(),
  measuredW: z.number(),
  activeEvses: z.number().int(),
  updatedAt: z.string(),
})
export type NodeView = z.infer<typeof NodeViewSchema>

export const SiteViewSchema = NodeViewSchema.extend({
  groups: z.array(NodeViewSchema),
  evses: z.array(EvseAllocationViewSchema),
})
export type SiteView = z.infer<typeof SiteViewSchema>

export const upsertNodeRpc = defineRpc(
  'smart-charging',
  'node.upsert',
  z.object({
    id: z.string().min(1).max(64),
    kind: z.enum(['site', 'group']),
    siteId: z.string().optional(),
    node: NodeInputSchema,
  }),
  z.object({ node: NodeViewSchema }),
)
export const deleteNodeRpc = defineRpc(
  'smart-charging',
  'node.delete',
  z.object({ id: z.string() }),
  z.object({ deleted: z.boolean() }),
)
export const getSiteRpc = defineRpc(
  'smart-charging',
  'site.get',
  z.object({ siteId: z.string() }),
  z.object({ site: SiteViewSchema.nullable() }),
)
export const listSitesRpc = defineRpc(
  'smart-charging',
  'site.list',
  z.object({}),
  z.object({ sites: z.array(NodeViewSchema) }),
)

/** A DSO signal: a new limit from `effectiveAt` (default now) until `until` (default: replaced). */
export const SetLimitRequestSchema = z.object({
  nodeId: z.string(),
  limitW: watts.nullable().optional(),
  limitA: amps.nullable().optional(),
  effectiveAt: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  source: z.string().max(64).optional(),
})
export const setLimitRpc = defineRpc(
  'smart-charging',
  'limit.set',
  SetLimitRequestSchema,
  z.object({ node: NodeViewSchema, recomputedAt: z.string().nullable() }),
)

export const StationPlacementSchema = z.object({
  /** The group (or site) the station's EVSEs belong to; null: its site (from device management). */
  nodeId: z.string().nullable().optional(),
  current: z.enum(['AC', 'DC']).optional(),
  phases: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  voltage: z.number().min(100).max(1000).optional(),
  maxCurrentA: z.number().min(6).max(1000).optional(),
  maxPowerW: watts.optional(),
})
export const setStationPlacementRpc = defineRpc(
  'smart-charging',
  'station.placement',
  z.object({ stationId: z.string(), placement: StationPlacementSchema }),
  z.object({ stationId: z.string(), placement: StationPlacementSchema }),
)

export const PriorityRuleSchema = z.object({
  id: z.string().min(1).max(64),
  /** idToken before group before station when several match. */
  match: z.enum(['idToken', 'group', 'station']),
  value: z.string().min(1).max(255),
  priority: z.number().int().min(-9).max(9),
  /** Charging only inside these windows (UTC); absent: always. */
  windows: z.array(DailyWindowSchema).max(14).optional(),
})
export type PriorityRule = z.infer<typeof PriorityRuleSchema>
export const upsertPriorityRuleRpc = defineRpc(
  'smart-charging',
  'priority.upsert',
  PriorityRuleSchema,
  z.object({ rule: PriorityRuleSchema }),
)
export const listPriorityRulesRpc = defineRpc(
  'smart-charging',
  'priority.list',
  z.object({}),
  z.object({ rules: z.array(PriorityRuleSchema) }),
)
export const deletePriorityRuleRpc = defineRpc(
  'smart-charging',
  'priority.delete',
  z.object({ id: z.string() }),
  z.object({ deleted: z.boolean() }),
)

/** A rule a charging profile breaks, named by its requirement (K01.FR.03, F01.FR.09, …). */
export const RuleViolationSchema = z.object({ rule: z.string(), message: z.string() })
export type RuleViolation = z.infer<typeof RuleViolationSchema>

/** A charging-profile operation answered by the station, or refused before sending. */
export const ProfileOperationResultSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('answered'), response: z.record(z.string(), z.unknown()) }),
  z.object({
    outcome: z.literal('invalid'),
    violations: z.array(RuleViolationSchema),
  }),
  z.object({ outcome: z.literal('station_error'), code: z.string(), description: z.string() }),
])
export type ProfileOperationResult = z.infer<typeof ProfileOperationResultSchema>

/**
 * K05: the chargingProfile of a RequestStartTransaction (1.6: RemoteStartTransaction), checked
 * by smart charging before the transaction service sends the start. evseId: the start's evseId
 * (1.6: connectorId), absent when the station picks one.
 */
export const StartProfileCheckRequestSchema = z.object({
  stationId: z.string(),
  version: z.enum(['v16', 'v201', 'v21']),
  evseId: z.number().int().min(0).optional(),
  chargingProfile: z.record(z.string(), z.unknown()),
})
export const StartProfileCheckResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), violations: z.array(RuleViolationSchema).min(1) }),
])
export type StartProfileCheckResult = z.infer<typeof StartProfileCheckResultSchema>
export const checkStartProfileRpc = defineRpc(
  'smart-charging',
  'profile.check-start',
  StartProfileCheckRequestSchema,
  StartProfileCheckResultSchema,
)

export const setChargingProfileRpc = defineRpc(
  'smart-charging',
  'profile.set',
  z.object({
    stationId: z.string(),
    evseId: z.number().int().min(0),
    chargingProfile: z.record(z.string(), z.unknown()),
  }),
  ProfileOperationResultSchema,
)
export const clearChargingProfileRpc = defineRpc(
  'smart-charging',
  'profile.clear',
  z.object({
    stationId: z.string(),
    chargingProfileId: z.number().int().optional(),
    chargingProfileCriteria: z
      .object({
        evseId: z.number().int().min(0).optional(),
        chargingProfilePurpose: z.string().optional(),
        stackLevel: z.number().int().min(0).optional(),
      })
      .optional(),
  }),
  ProfileOperationResultSchema,
)
export const requestProfileReportRpc = defineRpc(
  'smart-charging',
  'profile.report',
  z.object({
    stationId: z.string(),
    evseId: z.number().int().min(0).optional(),
    criteria: z.record(z.string(), z.unknown()).default({}),
  }),
  ProfileOperationResultSchema.and(z.object({ requestId: z.number().int() })),
)

export const StoredProfileViewSchema = z.object({
  stationId: z.string(),
  evseId: z.number().int(),
  profileId: z.number().int(),
  purpose: z.string(),
  stackLevel: z.number().int(),
  transactionId: z.string().nullable(),
  /** csms: an operator's; balancer: load balancing's; report: as a station reported it. */
  source: z.string(),
  status: z.string(),
  profile: z.record(z.string(), z.unknown()),
  updatedAt: z.string(),
})
export type StoredProfileView = z.infer<typeof StoredProfileViewSchema>
export const listChargingProfilesRpc = defineRpc(
  'smart-charging',
  'profile.list',
  z.object({
    stationId: z.string(),
    source: z.enum(['stored', 'reported']).default('stored'),
    requestId: z.number().int().optional(),
  }),
  z.object({ profiles: z.array(StoredProfileViewSchema) }),
)

export const ExternalLimitViewSchema = z.object({
  stationId: z.string(),
  evseId: z.number().int(),
  source: z.string(),
  isGridCritical: z.boolean().nullable(),
  schedules: z.array(z.record(z.string(), z.unknown())),
  setAt: z.string(),
  clearedAt: z.string().nullable(),
})
export const listExternalLimitsRpc = defineRpc(
  'smart-charging',
  'external-limit.list',
  z.object({ stationId: z.string() }),
  z.object({ limits: z.array(ExternalLimitViewSchema) }),
)

const SchedulePeriodViewSchema = z.object({ startPeriod: z.number(), limit: z.number().nullable() })
export const CompositeCheckSchema = z.object({
  stationId: z.string(),
  evseId: z.number().int(),
  checkedAt: z.string(),
  scheduleStart: z.string().nullable(),
  durationS: z.number().int(),
  chargingRateUnit: z.enum(['A', 'W']),
  status: z.string(),
  reported: z.array(SchedulePeriodViewSchema),
  expected: z.array(SchedulePeriodViewSchema),
  differences: z.array(z.object({ atS: z.number(), expected: z.number(), reported: z.number().nullable() })),
  matches: z.boolean(),
})
export type CompositeCheck = z.infer<typeof CompositeCheckSchema>
export const checkCompositeScheduleRpc = defineRpc(
  'smart-charging',
  'composite.check',
  z.object({
    stationId: z.string(),
    evseId: z.number().int().min(0),
    durationS: z
      .number()
      .int()
      .min(1)
      .max(7 * 86_400),
    chargingRateUnit: z.enum(['A', 'W']).optional(),
  }),
  z.discriminatedUnion('outcome', [
    z.object({ outcome: z.literal('checked'), check: CompositeCheckSchema }),
    z.object({ outcome: z.literal('station_error'), code: z.string(), description: z.string() }),
  ]),
)

/** data of evt.smart-charging.allocation: one recomputation of a site that changed something. */
export const AllocationFactSchema = z.object({
  siteId: z.string(),
  at: z.string(),
  reason: z.string(),
  effectiveLimitW: z.number().nullable(),
  allocatedW: z.number(),
  changes: z.array(
    z.object({
      stationId: z.string(),
      evseId: z.number().int(),
      transactionId: z.string(),
      fromW: z.number().nullable(),
      toW: z.number(),
      amps: z.number().nullable(),
      status: z.enum(['accepted', 'rejected', 'failed']),
    }),
  ),
  durationMs: z.number(),
})
export type AllocationFact = z.infer<typeof AllocationFactSchema>

/** data of evt.smart-charging.limit: a node's limit changed (API, DSO signal, time of use). */
export const LimitFactSchema = z.object({
  nodeId: z.string(),
  siteId: z.string(),
  at: z.string(),
  source: z.string(),
  limitW: z.number().nullable(),
  limitA: z.number().nullable(),
  effectiveAt: z.string(),
  until: z.string().nullable(),
})
export type LimitFact = z.infer<typeof LimitFactSchema>

/** data of evt.smart-charging.composite-mismatch.<station>. */
export const CompositeMismatchFactSchema = CompositeCheckSchema
