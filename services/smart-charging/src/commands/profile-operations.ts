import { randomInt } from 'node:crypto'
import { AppError, callStation, type OcppReply, type ProfileOperationResult } from '@csms/bus'
import { type OcppVersion, validateRequest } from '@csms/ocpp'
import type { Logger } from '@csms/telemetry'
import type { JetStreamClient } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import type { BalancerPort } from '../balancer/leader-link.js'
import type { BalancerProfileIds } from '../balancer/profile-builder.js'
import { reservedIdRange } from '../balancer/profile-builder.js'
import type { StationDirectory } from '../balancer/station-directory.js'
import type { ProfileLike } from '../domain/charging-profile.js'
import { checkClearChargingProfile, checkGetChargingProfiles } from '../domain/clear-report-rules.js'
import {
  checkSetChargingProfile,
  type RuleViolation,
  type SetProfileContext,
} from '../domain/profile-rules.js'
import { checkLegacyStartProfile, type LegacyStartProfile } from '../domain/start-profile-rules.js'
import type { ProfileRepo } from '../repo/profile-repo.js'
import type { SessionRepo } from '../repo/session-repo.js'
import { createCompositeCompare } from './composite-compare.js'

// The charging-profile operations of K01, K08, K09 and K10, shared by the operator API's own
// routes and the generic command route: rules checked before sending, answers stored.

export type ProfileOperations = ReturnType<typeof createProfileOperations>

type Deps = {
  nc: NatsConnection
  js: JetStreamClient
  profiles: ProfileRepo
  sessions: SessionRepo
  directory: StationDirectory
  ids: BalancerProfileIds
  balancer: Pick<BalancerPort, 'onProfilesCleared'>
  logger: Logger
  timeoutMs: number
  compositeToleranceA: number
}

export function createProfileOperations(deps: Deps) {
  const compare = createCompositeCompare(deps)

  async function versionOf(stationId: string): Promise<OcppVersion> {
    const info = await deps.directory.get(stationId)
    if (!info?.version)
      throw new AppError('station_offline', `station ${stationId} is not known to be connected`)
    return info.version
  }

  async function call(stationId: string, action: string, payload: unknown): Promise<OcppReply> {
    return callStation(deps.nc, { stationId, action, payload, timeoutMs: deps.timeoutMs })
  }

  /** The official schema first: a payload that fails it is refused like a rule violation. */
  const schemaViolations = (version: OcppVersion, action: string, payload: unknown): RuleViolation[] => {
    const checked = validateRequest(version, action, payload)
    return checked.ok ? [] : [{ rule: `${action}Request schema`, message: checked.error.description }]
  }

  const answered = (reply: OcppReply): ProfileOperationResult =>
    reply.ok
      ? { outcome: 'answered', response: reply.payload as Record<string, unknown> }
      : { outcome: 'station_error', code: reply.code, description: reply.description }

  const ops = {
    /**
     * K01 rules for a SetChargingProfileRequest to this station (2.0.1 and 2.1), or for the
     * chargingProfile of a RequestStartTransactionRequest (origin, K05).
     */
    async checkSet(
      stationId: string,
      version: OcppVersion,
      evseId: number,
      profile: ProfileLike,
      origin: SetProfileContext['origin'] = 'SetChargingProfile',
    ): Promise<RuleViolation[]> {
      if (version === 'v16') return []
      const [installed, sessions, info] = await Promise.all([
        deps.profiles.installed(stationId),
        deps.sessions.listStation(stationId),
        deps.directory.get(stationId),
      ])
      const session = sessions.find((s) => s.evseId === evseId)
      const needs = session ? await deps.sessions.needs(stationId, evseId) : null
      const reserved = reservedIdRange(deps.ids)
      const balanced = installed.some((i) => i.profile.id >= reserved.min && i.profile.id <= reserved.max)
      return checkSetChargingProfile({
        version,
        evseId,
        profile,
        installed,
        transactions: new Map(sessions.map((s) => [s.evseId, s.transactionId])),
        evseIds: info && info.evseIds.length > 0 ? info.evseIds : undefined,
        currentOf: (id) => sessions.find((s) => s.evseId === id)?.electrical?.current,
        chargingNeedsReceived:
          needs !== null &&
          session !== undefined &&
          needs.receivedAt >= new Date(session.startedAt.getTime() - 300_000),
        reservedIds: reserved,
        balancerStackLevel: balanced ? deps.ids.stackLevel : undefined,
        origin,
      })
    },

    /**
     * K05: the chargingProfile of a RequestStartTransaction (1.6: RemoteStartTransaction) the
     * transaction service is about to send; evseId absent: the station picks the EVSE. The
     * schema of a charging profile first, then the rules.
     */
    async checkStart(
      stationId: string,
      version: OcppVersion,
      evseId: number | undefined,
      profile: Record<string, unknown>,
    ): Promise<RuleViolation[]> {
      const evse = evseId ?? 0
      // SetChargingProfile carries the same profile type as the start (1.6 and 2.x alike).
      const asSet =
        version === 'v16'
          ? { connectorId: evse, csChargingProfiles: profile }
          : { evseId: evse, chargingProfile: profile }
      const invalid = schemaViolations(version, 'SetChargingProfile', asSet)
      if (invalid.length > 0) return invalid.map((v) => ({ ...v, rule: 'ChargingProfileType schema' }))
      if (version !== 'v16') {
        return ops.checkSet(
          stationId,
          version,
          evse,
          profile as unknown as ProfileLike,
          'RequestStartTransaction',
        )
      }
      const reserved = reservedIdRange(deps.ids)
      // 1.6 profiles carry chargingProfileId, so the balancer's are found by the stored id.
      const balanced = (await deps.profiles.list(stationId)).some(
        (r) => r.status === 'Accepted' && r.profileId >= reserved.min && r.profileId <= reserved.max,
      )
      return checkLegacyStartProfile(
        profile as unknown as LegacyStartProfile,
        balanced ? deps.ids.stackLevel : undefined,
      )
    },

    /** Checks the rules of a CSMS-initiated profile action; returns what is violated. */
    async check(
      stationId: string,
      version: OcppVersion,
      action: string,
      payload: Record<string, unknown>,
    ): Promise<RuleViolation[]> {
      if (version === 'v16') return []
      if (action === 'SetChargingProfile') {
        return ops.checkSet(
          stationId,
          version,
          payload.evseId as number,
          payload.chargingProfile as ProfileLike,
        )
      }
      if (action === 'ClearChargingProfile') {
        return checkClearChargingProfile({
          chargingProfileId: payload.chargingProfileId as number | undefined,
          criteria: payload.chargingProfileCriteria as Parameters<
            typeof checkClearChargingProfile
          >[0]['criteria'],
        })
      }
      if (action === 'GetChargingProfiles') {
        return checkGetChargingProfiles(
          payload.chargingProfile as Parameters<typeof checkGetChargingProfiles>[0],
        )
      }
      return []
    },

    /** Stores what a station answered to a profile action sent by an operator. */
    async recordReply(
      stationId: string,
      version: OcppVersion,
      action: string,
      payload: Record<string, unknown>,
      reply: OcppReply,
    ) {
      if (!reply.ok) return
      const response = reply.payload as Record<string, unknown>
      if (action === 'SetChargingProfile' && version !== 'v16') {
        const p = payload.chargingProfile as ProfileLike & Record<string, unknown>
        await deps.profiles.record({
          stationId,
          profileId: p.id,
          evseId: payload.evseId as number,
          purpose: p.chargingProfilePurpose,
          stackLevel: p.stackLevel,
          transactionId: p.transactionId ?? null,
          profile: p,
          version,
          source: 'csms',
          status: String(response.status),
          statusInfo: response.statusInfo,
          setAt: new Date(),
        })
      } else if (action === 'ClearChargingProfile' && response.status === 'Accepted') {
        const c = (payload.chargingProfileCriteria ?? {}) as {
          evseId?: number
          chargingProfilePurpose?: string
          stackLevel?: number
        }
        const cleared = await deps.profiles.markCleared(stationId, {
          chargingProfileId: payload.chargingProfileId as number | undefined,
          evseId: c.evseId,
          purpose: c.chargingProfilePurpose,
          stackLevel: c.stackLevel,
        })
        const balancer = cleared.filter((r) => r.source === 'balancer')
        if (balancer.length > 0) {
          // The balancer's profiles keep the site under its limit: it puts them back.
          if (balancer.some((r) => r.purpose === 'TxDefaultProfile'))
            await deps.profiles.forgetStationDefault(stationId)
          await deps.balancer.onProfilesCleared(
            stationId,
            balancer.filter((r) => r.purpose === 'TxProfile').map((r) => r.evseId),
          )
        }
      } else if (action === 'GetCompositeSchedule') {
        await compare(
          stationId,
          payload as { evseId: number; duration: number; chargingRateUnit?: 'A' | 'W' },
          response,
        )
      }
    },

    async set(
      stationId: string,
      evseId: number,
      chargingProfile: Record<string, unknown>,
    ): Promise<ProfileOperationResult> {
      const version = await versionOf(stationId)
      if (version === 'v16')
        throw new AppError('invalid_input', 'use the command route for OCPP 1.6 SetChargingProfile')
      const payload = { evseId, chargingProfile }
      const invalid = schemaViolations(version, 'SetChargingProfile', payload)
      if (invalid.length > 0) return { outcome: 'invalid', violations: invalid }
      const violations = await ops.checkSet(
        stationId,
        version,
        evseId,
        chargingProfile as unknown as ProfileLike,
      )
      if (violations.length > 0) return { outcome: 'invalid', violations }
      const reply = await call(stationId, 'SetChargingProfile', payload)
      await ops.recordReply(stationId, version, 'SetChargingProfile', payload, reply)
      return answered(reply)
    },

    async clear(
      stationId: string,
      req: {
        chargingProfileId?: number | undefined
        chargingProfileCriteria?: Record<string, unknown> | undefined
      },
    ) {
      const version = await versionOf(stationId)
      const payload: Record<string, unknown> = {}
      if (req.chargingProfileId !== undefined) payload.chargingProfileId = req.chargingProfileId
      if (req.chargingProfileCriteria !== undefined)
        payload.chargingProfileCriteria = req.chargingProfileCriteria
      const violations = [
        ...schemaViolations(version, 'ClearChargingProfile', payload),
        ...(await ops.check(stationId, version, 'ClearChargingProfile', payload)),
      ]
      if (violations.length > 0) return { outcome: 'invalid' as const, violations }
      const reply = await call(stationId, 'ClearChargingProfile', payload)
      await ops.recordReply(stationId, version, 'ClearChargingProfile', payload, reply)
      return answered(reply)
    },

    /** K09: asks for a report; ReportChargingProfiles arrive later under the returned requestId. */
    async requestReport(stationId: string, evseId: number | undefined, criteria: Record<string, unknown>) {
      const version = await versionOf(stationId)
      const requestId = randomInt(1, 2_147_483_647)
      const payload = { requestId, chargingProfile: criteria, ...(evseId === undefined ? {} : { evseId }) }
      const schema = schemaViolations(version, 'GetChargingProfiles', payload)
      const violations =
        schema.length > 0 ? schema : await ops.check(stationId, version, 'GetChargingProfiles', payload)
      if (violations.length > 0) return { outcome: 'invalid' as const, violations, requestId }
      const reply = await call(stationId, 'GetChargingProfiles', payload)
      return { ...answered(reply), requestId }
    },

    /** K08: the station's composite schedule against the one computed here. */
    async checkComposite(stationId: string, evseId: number, durationS: number, unit: 'A' | 'W' | undefined) {
      const version = await versionOf(stationId)
      const payload = {
        evseId,
        duration: durationS,
        ...(unit === undefined ? {} : { chargingRateUnit: unit }),
      }
      const invalid = schemaViolations(version, 'GetCompositeSchedule', payload)
      if (invalid.length > 0) throw new AppError('invalid_input', violationsMessage(invalid))
      const reply = await call(stationId, 'GetCompositeSchedule', payload)
      if (!reply.ok)
        return { outcome: 'station_error' as const, code: reply.code, description: reply.description }
      const check = await compare(
        stationId,
        { evseId, duration: durationS, chargingRateUnit: unit },
        reply.payload as Record<string, unknown>,
      )
      return { outcome: 'checked' as const, check }
    },
  }
  return ops
}

export function violationsMessage(violations: readonly RuleViolation[]): string {
  return violations.map((v) => `${v.rule}: ${v.message}`).join('; ')
}
