import { z } from 'zod'
import { defineRpc } from '../rpc.js'
import { encodeStationId } from '../station-token.js'

// What device-management offers the operator API and other services over NATS, and the facts
// it publishes on CSMS_EVENTS (evt.device.<event|security|job|campaign|site>[.<stationId>]).

const int = () => z.number().int()
const page = { limit: int().min(1).max(1000), after: z.string().optional() }

// ── Stations and registration ────────────────────────────────────────────────────────────────

export const REGISTRATION_STATUSES = ['Accepted', 'Pending', 'Rejected'] as const
export const RegistrationStatusSchema = z.enum(REGISTRATION_STATUSES)

export const ConnectorViewSchema = z.object({
  connectorId: int(),
  status: z.string(),
  updatedAt: z.string(),
})
export const EvseViewSchema = z.object({ evseId: int(), connectors: z.array(ConnectorViewSchema) })

export const StationViewSchema = z.object({
  id: z.string(),
  registered: z.boolean(),
  connected: z.boolean(),
  protocol: z.string().nullable(),
  lastBootAt: z.string().nullable(),
  /** What the last BootNotification was answered. */
  registrationStatus: z.string().nullable(),
  /** The operator's per-station answer to BootNotification; null: registered → Accepted, else policy. */
  registrationPolicy: RegistrationStatusSchema.nullable(),
  vendor: z.string().nullable(),
  model: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  serialNumber: z.string().nullable(),
  siteId: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  lastSeenAt: z.string().nullable(),
  evses: z.array(EvseViewSchema),
})
export type StationView = z.infer<typeof StationViewSchema>

export const getStationRpc = defineRpc(
  'device-management',
  'station.get',
  z.object({ stationId: z.string() }),
  z.object({ station: StationViewSchema.nullable() }),
)

export const listStationsRpc = defineRpc(
  'device-management',
  'station.list',
  z.object({
    limit: int().min(1).max(500),
    after: z.string().optional(),
    connected: z.boolean().optional(),
    siteId: z.string().optional(),
  }),
  z.object({ stations: z.array(StationViewSchema), next: z.string().nullable() }),
)

export const upsertStationRpc = defineRpc(
  'device-management',
  'station.upsert',
  z.object({
    stationId: z.string(),
    siteId: z.string().nullable().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  }),
  z.object({ station: StationViewSchema }),
)

/**
 * Sets how BootNotification is answered for one station (B02/B03). Leaving Pending for Accepted
 * while the station is connected sends it TriggerMessage BootNotification unless `triggerBoot`
 * is false, so it registers without waiting for its retry interval.
 */
export const setRegistrationRpc = defineRpc(
  'device-management',
  'station.registration',
  z.object({
    stationId: z.string(),
    status: RegistrationStatusSchema.nullable(),
    triggerBoot: z.boolean().optional(),
  }),
  z.object({
    station: StationViewSchema,
    /** The station's answer to TriggerMessage BootNotification, when one was sent. */
    triggerStatus: z.string().nullable(),
  }),
)

// ── Device model ─────────────────────────────────────────────────────────────────────────────

export const ComponentRefSchema = z.object({
  name: z.string().min(1).max(50),
  instance: z.string().max(50).optional(),
  evse: z.object({ id: int().min(0), connectorId: int().min(0).optional() }).optional(),
})
export type ComponentRef = z.infer<typeof ComponentRefSchema>
export const VariableRefSchema = z.object({
  name: z.string().min(1).max(50),
  instance: z.string().max(50).optional(),
})
export type VariableRef = z.infer<typeof VariableRefSchema>

export const ATTRIBUTE_TYPES = ['Actual', 'Target', 'MinSet', 'MaxSet'] as const
export const AttributeTypeSchema = z.enum(ATTRIBUTE_TYPES)

export const VariableAttributeViewSchema = z.object({
  type: AttributeTypeSchema,
  value: z.string().nullable(),
  mutability: z.string().nullable(),
  persistent: z.boolean().nullable(),
  constant: z.boolean().nullable(),
  /** Where the value was last learnt: report, get, set, event (NotifyEvent) or config16. */
  source: z.string(),
  /** The station's answer to the last SetVariables (or 1.6 ChangeConfiguration) of it. */
  lastSetStatus: z.string().nullable(),
  updatedAt: z.string(),
})
export const VariableCharacteristicsViewSchema = z.object({
  dataType: z.string(),
  unit: z.string().nullable(),
  minLimit: z.number().nullable(),
  maxLimit: z.number().nullable(),
  valuesList: z.string().nullable(),
  supportsMonitoring: z.boolean().nullable(),
})
export const DeviceVariableViewSchema = z.object({
  component: ComponentRefSchema,
  variable: VariableRefSchema,
  characteristics: VariableCharacteristicsViewSchema.nullable(),
  attributes: z.array(VariableAttributeViewSchema),
  updatedAt: z.string(),
})
export type DeviceVariableView = z.infer<typeof DeviceVariableViewSchema>

export const listDeviceVariablesRpc = defineRpc(
  'device-management',
  'device-model.list',
  z.object({
    stationId: z.string(),
    component: z.string().optional(),
    variable: z.string().optional(),
    evseId: int().optional(),
    ...page,
  }),
  z.object({ variables: z.array(DeviceVariableViewSchema), next: z.string().nullable(), total: int() }),
)

// ── Jobs: firmware, logs, reports, customer information ─────────────────────────────────────

export const JOB_KINDS = [
  'firmware',
  'publish-firmware',
  'log',
  'report',
  'monitoring-report',
  'display-messages',
  'customer-information',
] as const
export const JobKindSchema = z.enum(JOB_KINDS)
export type JobKind = z.infer<typeof JobKindSchema>
export const JOB_OUTCOMES = ['open', 'succeeded', 'failed'] as const
export const JobOutcomeSchema = z.enum(JOB_OUTCOMES)
export type JobOutcome = z.infer<typeof JobOutcomeSchema>

export const JobSummarySchema = z.object({
  id: z.string(),
  stationId: z.string(),
  kind: JobKindSchema,
  /** The OCPP requestId the station's notifications carry (chosen by the CSMS for 1.6). */
  requestId: int(),
  campaignId: z.string().nullable(),
  /** The request as sent; null for a job first learnt of from a station's notification. */
  request: z.unknown(),
  responseStatus: z.string().nullable(),
  /** The latest status: the station's answer, then the status of its notifications. */
  status: z.string(),
  outcome: JobOutcomeSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
})
export const JobHistoryEntrySchema = z.object({
  status: z.string(),
  at: z.string(),
  info: z.unknown().optional(),
})
export const JobViewSchema = JobSummarySchema.extend({ history: z.array(JobHistoryEntrySchema) })
export type JobView = z.infer<typeof JobViewSchema>
export type JobSummary = z.infer<typeof JobSummarySchema>

/** FirmwareType of 2.0.1; the signature fields make it a secure update (L01). */
export const FirmwareSchema = z.object({
  /** Passed to the station as given; the CSMS never fetches it. */
  location: z.string().min(1).max(512),
  retrieveDateTime: z.string().optional(),
  installDateTime: z.string().optional(),
  signingCertificate: z.string().max(5500).optional(),
  signature: z.string().max(800).optional(),
})
export type Firmware = z.infer<typeof FirmwareSchema>

const stationCall = { stationId: z.string(), timeoutMs: int().min(100).max(300_000).optional() }
const retry = { retries: int().min(0).optional(), retryInterval: int().min(0).optional() }

export const startFirmwareUpdateRpc = defineRpc(
  'device-management',
  'firmware.update',
  z.object({ ...stationCall, firmware: FirmwareSchema, ...retry }),
  z.object({ job: JobViewSchema }),
)

export const LOG_TYPES = ['DiagnosticsLog', 'SecurityLog'] as const
export const startLogUploadRpc = defineRpc(
  'device-management',
  'log.upload',
  z.object({
    ...stationCall,
    logType: z.enum(LOG_TYPES),
    /** Passed to the station as given; the CSMS never fetches it. */
    remoteLocation: z.string().min(1).max(512),
    oldestTimestamp: z.string().optional(),
    latestTimestamp: z.string().optional(),
    ...retry,
  }),
  z.object({ job: JobViewSchema }),
)

export const REPORT_BASES = ['ConfigurationInventory', 'FullInventory', 'SummaryInventory'] as const
/** GetBaseReport, or GetReport when components or criteria narrow it, with a CSMS requestId. */
export const requestReportRpc = defineRpc(
  'device-management',
  'report.request',
  z.object({
    ...stationCall,
    reportBase: z.enum(REPORT_BASES).optional(),
    componentVariable: z
      .array(z.object({ component: ComponentRefSchema, variable: VariableRefSchema.optional() }))
      .min(1)
      .optional(),
    componentCriteria: z
      .array(z.enum(['Active', 'Available', 'Enabled', 'Problem']))
      .min(1)
      .optional(),
  }),
  z.object({ job: JobViewSchema }),
)

export const listJobsRpc = defineRpc(
  'device-management',
  'job.list',
  z.object({
    stationId: z.string().optional(),
    kind: JobKindSchema.optional(),
    campaignId: z.string().optional(),
    outcome: JobOutcomeSchema.optional(),
    ...page,
  }),
  z.object({ jobs: z.array(JobSummarySchema), next: z.string().nullable() }),
)

export const getJobRpc = defineRpc(
  'device-management',
  'job.get',
  z.object({ id: z.string() }),
  z.object({ job: JobViewSchema.nullable() }),
)

// ── Fleet campaigns ─────────────────────────────────────────────────────────────────────────

export const CAMPAIGN_STATUSES = ['running', 'paused', 'completed', 'cancelled'] as const
export const CampaignStatusSchema = z.enum(CAMPAIGN_STATUSES)
export const TARGET_STATES = ['pending', 'running', 'succeeded', 'failed', 'cancelled'] as const
export const TargetStateSchema = z.enum(TARGET_STATES)

/** Registered stations matching every criterion given (at least one). */
export const StationSelectorSchema = z
  .object({
    /** Explicit ids (at most 10,000: a message stays under NATS's 1 MB); larger sets by site or label. */
    stationIds: z.array(z.string()).min(1).max(10_000).optional(),
    siteId: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    model: z.string().optional(),
    vendor: z.string().optional(),
  })
  .refine(
    (s) => Object.values(s).some((v) => v !== undefined),
    'select by stationIds, siteId, labels, model or vendor',
  )
export type StationSelector = z.infer<typeof StationSelectorSchema>

export const ConfigurationItemSchema = z.object({
  component: ComponentRefSchema,
  /** For a 1.6 station the variable name is the configuration key (ChangeConfiguration). */
  variable: VariableRefSchema,
  attributeType: AttributeTypeSchema.optional(),
  value: z.string().max(1000),
})
export type ConfigurationItem = z.infer<typeof ConfigurationItemSchema>

const campaignCommon = {
  name: z.string().max(200).optional(),
  selector: StationSelectorSchema,
  /** Stations worked on at the same time. */
  concurrency: int().min(1).max(10_000),
  /** The campaign pauses once this many stations have failed. */
  failureThreshold: int().min(1),
  /** A station still running after this long counts as failed. */
  targetTimeoutS: int()
    .min(10)
    .max(30 * 24 * 3600)
    .optional(),
}
export const CreateCampaignSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('firmware'), ...campaignCommon, firmware: FirmwareSchema, ...retry }),
  z.object({
    kind: z.literal('configuration'),
    ...campaignCommon,
    variables: z.array(ConfigurationItemSchema).min(1).max(100),
  }),
])
export type CreateCampaign = z.infer<typeof CreateCampaignSchema>

export const CampaignCountsSchema = z.object({
  total: int(),
  pending: int(),
  running: int(),
  succeeded: int(),
  failed: int(),
  cancelled: int(),
})
export type CampaignCounts = z.infer<typeof CampaignCountsSchema>
export const CampaignViewSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  kind: z.enum(['firmware', 'configuration']),
  status: CampaignStatusSchema,
  selector: z.unknown(),
  concurrency: int(),
  failureThreshold: int(),
  targetTimeoutS: int(),
  pausedReason: z.string().nullable(),
  counts: CampaignCountsSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
})
export type CampaignView = z.infer<typeof CampaignViewSchema>

export const CampaignTargetViewSchema = z.object({
  stationId: z.string(),
  state: TargetStateSchema,
  jobId: z.string().nullable(),
  error: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
})
export type CampaignTargetView = z.infer<typeof CampaignTargetViewSchema>

export const createCampaignRpc = defineRpc(
  'device-management',
  'campaign.create',
  CreateCampaignSchema,
  z.object({ campaign: CampaignViewSchema }),
)
export const getCampaignRpc = defineRpc(
  'device-management',
  'campaign.get',
  z.object({ id: z.string() }),
  z.object({ campaign: CampaignViewSchema.nullable() }),
)
export const listCampaignsRpc = defineRpc(
  'device-management',
  'campaign.list',
  z.object({ status: CampaignStatusSchema.optional(), ...page }),
  z.object({ campaigns: z.array(CampaignViewSchema), next: z.string().nullable() }),
)
export const listCampaignTargetsRpc = defineRpc(
  'device-management',
  'campaign.targets',
  z.object({ id: z.string(), state: TargetStateSchema.optional(), ...page }),
  z.object({ targets: z.array(CampaignTargetViewSchema), next: z.string().nullable() }),
)
/** pause / resume (optionally with a new failure threshold) / cancel the stations not started. */
export const controlCampaignRpc = defineRpc(
  'device-management',
  'campaign.control',
  z.object({
    id: z.string(),
    action: z.enum(['pause', 'resume', 'cancel']),
    failureThreshold: int().min(1).optional(),
  }),
  z.object({ campaign: CampaignViewSchema }),
)

// ── Monitoring and events ───────────────────────────────────────────────────────────────────

export const MonitorViewSchema = z.object({
  id: int(),
  component: ComponentRefSchema,
  variable: VariableRefSchema,
  type: z.string(),
  value: z.number(),
  severity: int(),
  transaction: z.boolean(),
  /** set (SetVariableMonitoring accepted) or report (NotifyMonitoringReport). */
  source: z.string(),
  updatedAt: z.string(),
})
export const listMonitorsRpc = defineRpc(
  'device-management',
  'monitor.list',
  z.object({ stationId: z.string() }),
  z.object({
    monitors: z.array(MonitorViewSchema),
    monitoringBase: z.string().nullable(),
    monitoringLevel: int().nullable(),
  }),
)

export const DeviceEventViewSchema = z.object({
  eventId: int(),
  timestamp: z.string(),
  trigger: z.string(),
  cause: int().nullable(),
  actualValue: z.string(),
  techCode: z.string().nullable(),
  techInfo: z.string().nullable(),
  cleared: z.boolean(),
  transactionId: z.string().nullable(),
  variableMonitoringId: int().nullable(),
  eventNotificationType: z.string(),
  severity: int().nullable(),
  component: ComponentRefSchema,
  variable: VariableRefSchema,
  receivedAt: z.string(),
})
export type DeviceEventView = z.infer<typeof DeviceEventViewSchema>
/** Newest first; `after` is the `next` of the previous page. */
export const listDeviceEventsRpc = defineRpc(
  'device-management',
  'event.list',
  z.object({ stationId: z.string(), ...page }),
  z.object({ events: z.array(DeviceEventViewSchema), next: z.string().nullable() }),
)

export const SecurityEventViewSchema = z.object({
  type: z.string(),
  timestamp: z.string(),
  techInfo: z.string().nullable(),
  receivedAt: z.string(),
})
export const listSecurityEventsRpc = defineRpc(
  'device-management',
  'security-event.list',
  z.object({ stationId: z.string(), ...page }),
  z.object({ events: z.array(SecurityEventViewSchema), next: z.string().nullable() }),
)

// ── Display messages ────────────────────────────────────────────────────────────────────────

export const DisplayMessageViewSchema = z.object({
  id: int(),
  priority: z.string(),
  state: z.string().nullable(),
  startDateTime: z.string().nullable(),
  endDateTime: z.string().nullable(),
  transactionId: z.string().nullable(),
  message: z.object({ format: z.string(), language: z.string().optional(), content: z.string() }),
  display: ComponentRefSchema.nullable(),
  /** set (SetDisplayMessage accepted) or report (NotifyDisplayMessages). */
  source: z.string(),
  updatedAt: z.string(),
})
export const listDisplayMessagesRpc = defineRpc(
  'device-management',
  'display-message.list',
  z.object({ stationId: z.string() }),
  z.object({ messages: z.array(DisplayMessageViewSchema) }),
)

// ── DataTransfer routed by vendorId ─────────────────────────────────────────────────────────

export const DataTransferRequestSchema = z.object({
  stationId: z.string(),
  version: z.enum(['v16', 'v201', 'v21']),
  vendorId: z.string(),
  messageId: z.string().optional(),
  /** A string in 1.6, any JSON in 2.0.1 and 2.1. */
  data: z.unknown().optional(),
})
export const DataTransferResponseSchema = z.object({
  status: z.enum(['Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId']),
  data: z.unknown().optional(),
})

/**
 * A station's DataTransfer for `vendorId`: a vendor integration registers by serving this RPC
 * (with its own queue group). Nobody serving it means the station is answered UnknownVendorId.
 */
export function dataTransferRpc(vendorId: string) {
  return defineRpc(
    'device-management',
    `datatransfer.${encodeStationId(vendorId)}`,
    DataTransferRequestSchema,
    DataTransferResponseSchema,
  )
}

// ── Facts on CSMS_EVENTS ────────────────────────────────────────────────────────────────────

/** data of evt.device.event.<station>: one per eventData of a NotifyEvent. */
export const DeviceEventFactSchema = DeviceEventViewSchema.extend({ stationId: z.string() })
/** data of evt.device.security.<station>. */
export const SecurityEventFactSchema = SecurityEventViewSchema.extend({ stationId: z.string() })
/** data of evt.device.job.<station>: a job changed status. */
export const JobFactSchema = z.object({
  jobId: z.string(),
  stationId: z.string(),
  kind: JobKindSchema,
  requestId: int(),
  campaignId: z.string().nullable(),
  status: z.string(),
  outcome: JobOutcomeSchema,
})
export type JobFact = z.infer<typeof JobFactSchema>
/** data of evt.device.site.<station>: the operator put the station in another site (or none). */
export const StationSiteFactSchema = z.object({
  stationId: z.string(),
  siteId: z.string().nullable(),
  previousSiteId: z.string().nullable(),
})
export type StationSiteFact = z.infer<typeof StationSiteFactSchema>
/** data of evt.device.campaign: a campaign changed status (paused, resumed, completed, …). */
export const CampaignFactSchema = z.object({
  campaignId: z.string(),
  status: CampaignStatusSchema,
  pausedReason: z.string().nullable(),
  counts: CampaignCountsSchema,
})
