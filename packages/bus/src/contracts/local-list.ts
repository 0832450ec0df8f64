import { z } from 'zod'
import { defineRpc } from '../rpc.js'
import { IdTokenRefSchema } from './id-token.js'

// A station's local authorization list as the auth service keeps it: which tokens it carries,
// the version the station confirmed, and how many changes still wait to be sent.

export const LocalListViewSchema = z.object({
  stationId: z.string(),
  /** The list version the station last confirmed (0: never sent). */
  version: z.number().int(),
  idTokens: z.array(IdTokenRefSchema),
  /** Tokens changed, added or removed since the station last confirmed its list. */
  pendingChanges: z.number().int(),
  lastSyncAt: z.string().nullable(),
  lastSyncStatus: z.string().nullable(),
})
export type LocalListView = z.infer<typeof LocalListViewSchema>

export const getLocalListRpc = defineRpc(
  'auth',
  'locallist.get',
  z.object({ stationId: z.string().min(1).max(48) }),
  z.object({ list: LocalListViewSchema.nullable() }),
)

/** Replaces the set of tokens a station carries; the change is sent to the station at once. */
export const putLocalListRpc = defineRpc(
  'auth',
  'locallist.put',
  z.object({ stationId: z.string().min(1).max(48), idTokens: z.array(IdTokenRefSchema).max(100_000) }),
  z.object({ list: LocalListViewSchema }),
)

export const LOCAL_LIST_SYNC_OUTCOMES = [
  /** The station took the update (or already had this version). */
  'Accepted',
  'InSync',
  /** Another replica is sending this station's list right now; it sends these changes too. */
  'Busy',
  'NoList',
  'Offline',
  'Timeout',
  'Failed',
  'VersionMismatch',
  'NotSupported',
  'Error',
] as const
export type LocalListSyncOutcome = (typeof LOCAL_LIST_SYNC_OUTCOMES)[number]

export const LocalListSyncResultSchema = z.object({
  stationId: z.string(),
  outcome: z.enum(LOCAL_LIST_SYNC_OUTCOMES),
  version: z.number().int(),
  /** The update types sent, in order (a long list goes in several messages). */
  sent: z.array(z.object({ updateType: z.enum(['Full', 'Differential']), versionNumber: z.number().int() })),
  detail: z.string().optional(),
})
export type LocalListSyncResult = z.infer<typeof LocalListSyncResultSchema>

/** Reconciles now: asks GetLocalListVersion, then sends a differential or (`full`) a full update. */
export const syncLocalListRpc = defineRpc(
  'auth',
  'locallist.sync',
  z.object({ stationId: z.string().min(1).max(48), full: z.boolean().optional() }),
  LocalListSyncResultSchema,
)
