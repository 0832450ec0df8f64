import type { v16 } from '@csms/ocpp'
import { compositeSchedule } from '../model/charging-profiles.js'
import type { CsmsAnswer } from '../net/ocpp-connection.js'
import { applyVariable } from './device-model-calls.js'
import { firmwareBusy, runFirmwareUpdate, runLogUpload } from './firmware.js'
import { fromProfile16, installProfile, type Profile16 } from './profile-convert.js'
import type { Station } from './station.js'
import {
  applyScheduledAvailability,
  canStartSession,
  endTransaction,
  evseOfTransaction,
  plugIn,
  recomputeAll,
  sendMeterValues,
} from './station-sessions.js'

// Every Central System call of OCPP 1.6J (core, firmware, local list, reservation, smart
// charging, remote trigger), answered as a legacy station does. Connector 0 is the station.

const ok = (result: unknown, after?: () => void): CsmsAnswer => (after ? { result, after } : { result })
const status = (s: string, after?: () => void) => ok({ status: s }, after)

export async function handleCsmsCallV16(st: Station, action: string, payload: unknown): Promise<CsmsAnswer> {
  const p = payload as never
  switch (action) {
    case 'GetConfiguration': {
      const req = p as v16.GetConfigurationRequest
      const keyed = st.deviceModel.filter((d) => d.key16 !== undefined)
      const wanted = req.key?.length ? req.key : keyed.map((d) => d.key16 as string)
      const known = wanted.flatMap((k) => keyed.filter((d) => d.key16 === k).slice(0, 1))
      return ok({
        configurationKey: known.map((d) => ({
          key: d.key16 as string,
          readonly: d.mutability === 'ReadOnly',
          value: d.value,
        })),
        ...(req.key?.length ? { unknownKey: wanted.filter((k) => !keyed.some((d) => d.key16 === k)) } : {}),
      })
    }
    case 'ChangeConfiguration': {
      const req = p as v16.ChangeConfigurationRequest
      const d = st.deviceModel.find((x) => x.key16 === req.key)
      if (!d) return status('NotSupported')
      if (d.mutability === 'ReadOnly') return status('Rejected')
      applyVariable(st, d, req.value)
      return status('Accepted')
    }
    case 'Reset':
      return status('Accepted', () => void st.reboot('RemoteReset'))
    case 'ChangeAvailability': {
      const req = p as v16.ChangeAvailabilityRequest
      const operative = req.type === 'Operative'
      const targets = req.connectorId === 0 ? st.evses : st.evses.filter((e) => e.id === req.connectorId)
      if (targets.length === 0) return status('Rejected')
      const busy = targets.some((e) => e.session?.tx && !e.session.tx.ended)
      return status(busy && !operative ? 'Scheduled' : 'Accepted', () => {
        for (const evse of targets) {
          if (evse.session?.tx && !evse.session.tx.ended && !operative) {
            evse.scheduledOperative = false
            continue
          }
          evse.operative = operative
          if (!evse.session) st.setEvseState(evse, operative ? 'available' : 'unavailable')
          else applyScheduledAvailability(st, evse)
        }
        recomputeAll(st)
      })
    }
    case 'RemoteStartTransaction': {
      const req = p as v16.RemoteStartTransactionRequest
      const evse =
        req.connectorId === undefined
          ? st.evses.find(canStartSession)
          : st.evses.find((e) => e.id === req.connectorId && canStartSession(e))
      if (!evse) return status('Rejected')
      return status('Accepted', () => {
        if (req.chargingProfile)
          st.profiles = installProfile(
            st.profiles,
            fromProfile16(req.chargingProfile as Profile16, evse.id, Date.now()),
          )
        void plugIn(st, evse, { idToken: req.idTag, remote: true })
      })
    }
    case 'RemoteStopTransaction': {
      const req = p as v16.RemoteStopTransactionRequest
      const evse = evseOfTransaction(st, String(req.transactionId))
      const s = evse?.session
      if (!evse || !s) return status('Rejected')
      return status('Accepted', () => {
        void endTransaction(st, evse, s, 'Remote', 'RemoteStop')
        st.setConnectorState(evse, s.connectorId, 'finishing')
      })
    }
    case 'UnlockConnector': {
      const req = p as v16.UnlockConnectorRequest
      const evse = st.evses.find((e) => e.id === req.connectorId)
      if (!evse) return status('NotSupported')
      const s = evse.session
      return status('Unlocked', () => {
        if (s?.tx && !s.tx.ended) void endTransaction(st, evse, s, 'Local', 'UnlockCommand')
      })
    }
    case 'SetChargingProfile': {
      const req = p as v16.SetChargingProfileRequest
      const profile = req.csChargingProfiles as Profile16
      const evse = st.evses.find((e) => e.id === req.connectorId)
      if (req.connectorId !== 0 && !evse) return status('Rejected')
      if (profile.chargingProfilePurpose === 'ChargePointMaxProfile' && req.connectorId !== 0)
        return status('Rejected')
      if (profile.chargingProfilePurpose === 'TxProfile') {
        const tx = evse?.session?.tx
        if (!tx || tx.ended) return status('Rejected')
      }
      return status('Accepted', () => {
        st.profiles = installProfile(st.profiles, fromProfile16(profile, req.connectorId, Date.now()))
        recomputeAll(st)
      })
    }
    case 'ClearChargingProfile': {
      const req = p as v16.ClearChargingProfileRequest
      const purpose =
        req.chargingProfilePurpose === 'ChargePointMaxProfile'
          ? 'ChargingStationMaxProfile'
          : req.chargingProfilePurpose
      const keep = st.profiles.filter(
        (q) =>
          !(
            (req.id === undefined || q.id === req.id) &&
            (req.connectorId === undefined || q.evseId === req.connectorId) &&
            (purpose === undefined || q.purpose === purpose) &&
            (req.stackLevel === undefined || q.stackLevel === req.stackLevel)
          ),
      )
      if (keep.length === st.profiles.length) return status('Unknown')
      st.profiles = keep
      return status('Accepted', () => recomputeAll(st))
    }
    case 'GetCompositeSchedule': {
      const req = p as v16.GetCompositeScheduleRequest
      const evse = st.evses.find((e) => e.id === req.connectorId)
      const spec = evse?.spec ?? st.evses[0]?.spec
      if ((req.connectorId !== 0 && !evse) || !spec) return status('Rejected')
      const now = Date.now()
      const tx = evse?.session?.tx
      const physicalMax = evse ? evse.spec.maxPowerW : st.evses.reduce((sum, e) => sum + e.spec.maxPowerW, 0)
      const periods = compositeSchedule(
        st.profiles,
        {
          evseId: req.connectorId,
          ...(tx && !tx.ended
            ? { transaction: { id: String(tx.csmsId ?? tx.id), startedAt: tx.startedAt } }
            : {}),
          electrical: { voltage: spec.voltage, phases: spec.phases },
          sharing: 1,
        },
        now,
        req.duration,
        physicalMax,
      )
      const unit = req.chargingRateUnit ?? 'W'
      const perAmp = spec.voltage * spec.phases
      return ok({
        status: 'Accepted',
        connectorId: req.connectorId,
        scheduleStart: new Date(now).toISOString(),
        chargingSchedule: {
          duration: req.duration,
          startSchedule: new Date(now).toISOString(),
          chargingRateUnit: unit,
          chargingSchedulePeriod: periods.map((x) => ({
            startPeriod: x.startPeriod,
            limit: unit === 'W' ? x.limit : Math.round((x.limit / perAmp) * 10) / 10,
          })),
        },
      })
    }
    case 'TriggerMessage': {
      const req = p as v16.TriggerMessageRequest
      const evses =
        req.connectorId === undefined || req.connectorId === 0
          ? st.evses
          : st.evses.filter((e) => e.id === req.connectorId)
      if (evses.length === 0) return status('Rejected')
      switch (req.requestedMessage) {
        case 'BootNotification':
          return status('Accepted', () => void st.boot('Triggered'))
        case 'Heartbeat':
          return status('Accepted', () => void st.send('Heartbeat', {}))
        case 'StatusNotification':
          return status('Accepted', () => {
            for (const evse of evses) for (const c of evse.connectors) void st.sendStatus(evse, c, true)
          })
        case 'MeterValues':
          return status('Accepted', () => {
            for (const evse of evses) sendMeterValues(st, evse, evse.session, 'Trigger')
          })
        case 'FirmwareStatusNotification':
          return status(
            'Accepted',
            () => void st.sendFirmwareStatus(firmwareBusy(st) ? st.firmware.status : 'Idle'),
          )
        case 'DiagnosticsStatusNotification':
          return status('Accepted', () => void st.send('DiagnosticsStatusNotification', { status: 'Idle' }))
        default:
          return status('NotImplemented')
      }
    }
    case 'UpdateFirmware': {
      const req = p as v16.UpdateFirmwareRequest
      return ok({}, () => {
        void runFirmwareUpdate(st, {
          requestId: undefined,
          retrieveAt: Date.parse(req.retrieveDate),
          installAt: undefined,
          signed: false,
          location: req.location,
        })
      })
    }
    case 'GetDiagnostics':
      return ok(
        { fileName: `${st.id}-diagnostics.log`.slice(0, 255) },
        () => void runLogUpload(st, undefined),
      )
    case 'ClearCache':
      return status('Accepted')
    case 'SendLocalList': {
      const req = p as v16.SendLocalListRequest
      listVersion.set(st, req.listVersion)
      return status('Accepted')
    }
    case 'GetLocalListVersion':
      return ok({ listVersion: listVersion.get(st) ?? 0 })
    case 'DataTransfer':
      return status('UnknownVendorId')
    case 'ReserveNow': {
      const req = p as v16.ReserveNowRequest
      const evse =
        req.connectorId === 0
          ? st.evses.find(canStartSession)
          : st.evses.find((e) => e.id === req.connectorId)
      if (!evse) return status('Rejected')
      if (!evse.operative) return status('Unavailable')
      if (evse.session || evse.reservation) return status('Occupied')
      evse.reservation = { id: req.reservationId, idToken: req.idTag, expiresAt: Date.parse(req.expiryDate) }
      return status('Accepted', () => st.setEvseState(evse, 'reserved'))
    }
    case 'CancelReservation': {
      const req = p as v16.CancelReservationRequest
      const evse = st.evses.find((e) => e.reservation?.id === req.reservationId)
      if (!evse) return status('Rejected')
      evse.reservation = undefined
      return status('Accepted', () => st.setEvseState(evse, evse.operative ? 'available' : 'unavailable'))
    }
    default:
      return { error: 'NotSupported', description: `${action} is not supported by this station model` }
  }
}

const listVersion = new WeakMap<Station, number>()
