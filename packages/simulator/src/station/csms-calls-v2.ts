import type { v21, v201 } from '@csms/ocpp'
import { compositeSchedule } from '../model/charging-profiles.js'
import type { CsmsAnswer } from '../net/ocpp-connection.js'
import { baseReportItems, getVariables, reportItems, sendReport, setVariables } from './device-model-calls.js'
import { firmwareBusy, runFirmwareUpdate, runLogUpload } from './firmware.js'
import { fromProfile2x, installProfile, type Profile2x } from './profile-convert.js'
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
import type { Evse } from './station-types.js'

// Every CSMS-initiated call of OCPP 2.0.1 (and the 2.1 ones a V2G station meets), answered as a
// real station would and then acted upon. Optional features the station lacks get NotSupported.

const ok = (result: unknown, after?: () => void): CsmsAnswer => (after ? { result, after } : { result })
const status = (s: string, after?: () => void) => ok({ status: s }, after)

export async function handleCsmsCallV2(st: Station, action: string, payload: unknown): Promise<CsmsAnswer> {
  const p = payload as never
  switch (action) {
    case 'GetVariables':
      return ok(getVariables(st, p))
    case 'SetVariables':
      return ok(setVariables(st, p))
    case 'GetBaseReport': {
      const req = p as v201.GetBaseReportRequest
      if (!st.behaviour.features.notifyReport) return status('NotSupported')
      return status('Accepted', () => void sendReport(st, req.requestId, baseReportItems(st, req.reportBase)))
    }
    case 'GetReport': {
      const req = p as v201.GetReportRequest
      if (!st.behaviour.features.notifyReport) return status('NotSupported')
      const items = reportItems(st, req)
      if (items.length === 0) return status('EmptyResultSet')
      return status('Accepted', () => void sendReport(st, req.requestId, items))
    }
    case 'Reset':
      return reset(st, p)
    case 'ChangeAvailability':
      return changeAvailability(st, p)
    case 'RequestStartTransaction':
      return requestStart(st, p)
    case 'RequestStopTransaction': {
      const req = p as v201.RequestStopTransactionRequest
      const evse = evseOfTransaction(st, req.transactionId)
      const s = evse?.session
      if (!evse || !s) return status('Rejected')
      return status('Accepted', () => void endTransaction(st, evse, s, 'Remote', 'RemoteStop'))
    }
    case 'GetTransactionStatus': {
      const req = p as v201.GetTransactionStatusRequest
      return ok({
        messagesInQueue: st.offline.size > 0,
        ...(req.transactionId === undefined
          ? {}
          : { ongoingIndicator: evseOfTransaction(st, req.transactionId) !== undefined }),
      })
    }
    case 'SetChargingProfile':
      return setChargingProfile(st, p)
    case 'ClearChargingProfile': {
      const req = p as v201.ClearChargingProfileRequest
      const c = req.chargingProfileCriteria
      const keep = st.profiles.filter(
        (q) =>
          !(
            (req.chargingProfileId === undefined || q.id === req.chargingProfileId) &&
            (c?.evseId === undefined || q.evseId === c.evseId) &&
            (c?.chargingProfilePurpose === undefined || q.purpose === c.chargingProfilePurpose) &&
            (c?.stackLevel === undefined || q.stackLevel === c.stackLevel)
          ),
      )
      if (keep.length === st.profiles.length) return status('Unknown')
      st.profiles = keep
      return status('Accepted', () => recomputeAll(st))
    }
    case 'GetChargingProfiles':
      return getChargingProfiles(st, p)
    case 'GetCompositeSchedule':
      return getCompositeSchedule(st, p)
    case 'TriggerMessage':
      return trigger(st, p)
    case 'UnlockConnector': {
      const req = p as v201.UnlockConnectorRequest
      const evse = st.evses.find((e) => e.id === req.evseId)
      if (!evse?.connectors.some((c) => c.id === req.connectorId)) return status('UnknownConnector')
      const tx = evse.session?.tx
      if (tx && !tx.ended && !tx.failed) return status('OngoingAuthorizedTransaction')
      return status('Unlocked')
    }
    case 'UpdateFirmware': {
      const req = p as v201.UpdateFirmwareRequest
      const busy = firmwareBusy(st)
      const fw = req.firmware
      return status(busy ? 'AcceptedCanceled' : 'Accepted', () => {
        void runFirmwareUpdate(st, {
          requestId: req.requestId,
          retrieveAt: Date.parse(fw.retrieveDateTime),
          installAt: fw.installDateTime === undefined ? undefined : Date.parse(fw.installDateTime),
          signed: fw.signature !== undefined,
          location: fw.location,
        })
      })
    }
    case 'GetLog': {
      const req = p as v201.GetLogRequest
      return ok(
        { status: 'Accepted', filename: `${st.id}-${req.logType}-${req.requestId}.log`.slice(0, 255) },
        () => {
          void runLogUpload(st, req.requestId)
        },
      )
    }
    case 'ClearCache':
      return status('Accepted')
    case 'SendLocalList': {
      const req = p as v201.SendLocalListRequest
      localListVersion.set(st, req.versionNumber)
      return status('Accepted')
    }
    case 'GetLocalListVersion':
      return ok({ versionNumber: localListVersion.get(st) ?? 0 })
    case 'DataTransfer':
      return status('UnknownVendorId')
    case 'ReserveNow':
      return reserveNow(st, p)
    case 'CancelReservation': {
      const req = p as v201.CancelReservationRequest
      const evse = st.evses.find((e) => e.reservation?.id === req.reservationId)
      if (!evse) return status('Rejected')
      evse.reservation = undefined
      return status('Accepted', () => st.setEvseState(evse, evse.operative ? 'available' : 'unavailable'))
    }
    case 'SetNetworkProfile':
      return status('Rejected')
    case 'SetVariableMonitoring': {
      const req = p as v201.SetVariableMonitoringRequest
      return ok({
        setMonitoringResult: req.setMonitoringData.map((m, i) => ({
          id: m.id ?? i + 1,
          status: st.deviceModel.some(
            (d) => d.component === m.component.name && d.variable === m.variable.name,
          )
            ? 'Accepted'
            : st.deviceModel.some((d) => d.component === m.component.name)
              ? 'UnknownVariable'
              : 'UnknownComponent',
          type: m.type,
          severity: m.severity,
          component: m.component,
          variable: m.variable,
        })),
      })
    }
    case 'ClearVariableMonitoring': {
      const req = p as v201.ClearVariableMonitoringRequest
      return ok({ clearMonitoringResult: req.id.map((id) => ({ id, status: 'NotFound' })) })
    }
    case 'SetMonitoringBase':
    case 'SetMonitoringLevel':
      return status('Accepted')
    case 'GetMonitoringReport':
      return status('EmptyResultSet')
    case 'CustomerInformation': {
      const req = p as v201.CustomerInformationRequest
      return status('Accepted', () => {
        if (req.report) {
          void st.send('NotifyCustomerInformation', {
            data: 'no customer data held',
            seqNo: 0,
            generatedAt: new Date().toISOString(),
            requestId: req.requestId,
          })
        }
      })
    }
    case 'CertificateSigned':
    case 'InstallCertificate':
    case 'SetDisplayMessage':
      return status('Accepted')
    case 'DeleteCertificate':
    case 'GetInstalledCertificateIds':
      return status('NotFound')
    case 'GetDisplayMessages':
    case 'ClearDisplayMessage':
      return status('Unknown')
    case 'CostUpdated':
      return ok({})
    // 2.1
    case 'NotifyAllowedEnergyTransfer': {
      const req = p as v21.NotifyAllowedEnergyTransferRequest
      return status(evseOfTransaction(st, req.transactionId) ? 'Accepted' : 'Rejected')
    }
    case 'UsePriorityCharging': {
      const req = p as v21.UsePriorityChargingRequest
      return status(evseOfTransaction(st, req.transactionId) ? 'NoProfile' : 'Rejected')
    }
    case 'UpdateDynamicSchedule': {
      const req = p as v21.UpdateDynamicScheduleRequest
      const profile = st.profiles.find((q) => q.id === req.chargingProfileId)
      const first = profile?.periods[0]
      if (!profile || !first) return status('Rejected')
      const u = req.scheduleUpdate
      first.limit = u.setpoint ?? u.limit ?? first.limit
      return status('Accepted', () => recomputeAll(st))
    }
    case 'AFRRSignal':
      return status('Accepted')
    case 'SetDERControl':
    case 'GetDERControl':
    case 'ClearDERControl':
      return status('NotSupported')
    default:
      return { error: 'NotSupported', description: `${action} is not supported by this station model` }
  }
}

const localListVersion = new WeakMap<Station, number>()

function reset(st: Station, req: v201.ResetRequest): CsmsAnswer {
  if (req.evseId !== undefined) {
    const evse = st.evses.find((e) => e.id === req.evseId)
    if (!evse) return status('Rejected')
    const s = evse.session
    return status('Accepted', () => {
      if (s) void endTransaction(st, evse, s, 'ImmediateReset', 'ResetCommand')
    })
  }
  const busy = st.evses.some((e) => e.session?.tx && !e.session.tx.ended)
  if (req.type === 'OnIdle' && busy) {
    const wait = setInterval(() => {
      if (!st.isRunning) clearInterval(wait)
      else if (!st.evses.some((e) => e.session?.tx && !e.session.tx.ended)) {
        clearInterval(wait)
        void st.reboot('RemoteReset')
      }
    }, 2_000)
    return status('Scheduled')
  }
  return status('Accepted', () => void st.reboot('RemoteReset'))
}

function changeAvailability(st: Station, req: v201.ChangeAvailabilityRequest): CsmsAnswer {
  const operative = req.operationalStatus === 'Operative'
  const targets = req.evse === undefined ? st.evses : st.evses.filter((e) => e.id === req.evse?.id)
  if (targets.length === 0) return status('Rejected')
  if (
    req.evse?.connectorId !== undefined &&
    !targets[0]?.connectors.some((c) => c.id === req.evse?.connectorId)
  ) {
    return status('Rejected')
  }
  const busy = targets.filter((e) => e.session?.tx && !e.session.tx.ended)
  const apply = () => {
    for (const evse of targets) {
      if (busy.includes(evse) && !operative) {
        evse.scheduledOperative = false
        continue
      }
      evse.operative = operative
      evse.scheduledOperative = undefined
      if (!evse.session) st.setEvseState(evse, operative ? 'available' : 'unavailable')
      else applyScheduledAvailability(st, evse)
    }
    recomputeAll(st)
  }
  return status(busy.length > 0 && !operative ? 'Scheduled' : 'Accepted', apply)
}

function pickEvse(st: Station, evseId: number | undefined): Evse | undefined {
  if (evseId !== undefined) {
    const evse = st.evses.find((e) => e.id === evseId)
    return evse && canStartSession(evse) ? evse : undefined
  }
  return st.evses.find(canStartSession)
}

function requestStart(st: Station, req: v201.RequestStartTransactionRequest): CsmsAnswer {
  const evse = pickEvse(st, req.evseId)
  if (!evse) return status('Rejected')
  return status('Accepted', () => {
    if (req.chargingProfile) {
      const stored = fromProfile2x(req.chargingProfile as Profile2x, evse.id, Date.now())
      if (stored) st.profiles = installProfile(st.profiles, stored)
    }
    void plugIn(st, evse, { idToken: req.idToken.idToken, remoteStartId: req.remoteStartId, remote: true })
  })
}

function setChargingProfile(st: Station, req: v201.SetChargingProfileRequest): CsmsAnswer {
  const profile = req.chargingProfile as Profile2x
  const stored = fromProfile2x(profile, req.evseId, Date.now())
  if (!stored) return status('Rejected')
  const evse = st.evses.find((e) => e.id === req.evseId)
  if (req.evseId !== 0 && !evse) return status('Rejected')
  if (stored.purpose === 'ChargingStationMaxProfile' && req.evseId !== 0) return status('Rejected')
  if (stored.purpose === 'TxProfile') {
    const tx = evse?.session?.tx
    if (!tx || tx.ended || (stored.transactionId !== undefined && stored.transactionId !== tx.id))
      return status('Rejected')
  }
  const bidirectional = st.version === 'v21' && st.evses.some((e) => e.spec.maxDischargePowerW > 0)
  if (!bidirectional && stored.periods.some((x) => x.limit < 0)) return status('Rejected')
  return status('Accepted', () => {
    st.profiles = installProfile(st.profiles, stored)
    recomputeAll(st)
  })
}

function getChargingProfiles(st: Station, req: v201.GetChargingProfilesRequest): CsmsAnswer {
  const c = req.chargingProfile
  const found = st.profiles.filter(
    (q) =>
      (req.evseId === undefined || q.evseId === req.evseId) &&
      (c.chargingProfilePurpose === undefined || q.purpose === c.chargingProfilePurpose) &&
      (c.stackLevel === undefined || q.stackLevel === c.stackLevel) &&
      (c.chargingProfileId === undefined || c.chargingProfileId.includes(q.id)),
  )
  if (found.length === 0) return status('NoProfiles')
  return status('Accepted', () => {
    const byEvse = new Map<number, typeof found>()
    for (const q of found) byEvse.set(q.evseId, [...(byEvse.get(q.evseId) ?? []), q])
    const groups = [...byEvse]
    groups.forEach(([evseId, list], i) => {
      void st.send('ReportChargingProfiles', {
        requestId: req.requestId,
        chargingLimitSource: 'CSO',
        evseId,
        chargingProfile: list.map((q) => q.raw),
        ...(i < groups.length - 1 ? { tbc: true } : {}),
      })
    })
  })
}

function getCompositeSchedule(st: Station, req: v201.GetCompositeScheduleRequest): CsmsAnswer {
  const evse = st.evses.find((e) => e.id === req.evseId)
  if (req.evseId !== 0 && !evse) return status('Rejected')
  const spec = evse?.spec ?? st.evses[0]?.spec
  if (!spec) return status('Rejected')
  const now = Date.now()
  const tx = evse?.session?.tx
  const physicalMax = evse ? evse.spec.maxPowerW : st.evses.reduce((sum, e) => sum + e.spec.maxPowerW, 0)
  const periods = compositeSchedule(
    st.profiles,
    {
      evseId: req.evseId,
      ...(tx && !tx.ended ? { transaction: { id: tx.id, startedAt: tx.startedAt } } : {}),
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
    schedule: {
      evseId: req.evseId,
      duration: req.duration,
      scheduleStart: new Date(now).toISOString(),
      chargingRateUnit: unit,
      chargingSchedulePeriod: periods.map((x) => ({
        startPeriod: x.startPeriod,
        limit: unit === 'W' ? x.limit : Math.round((x.limit / perAmp) * 10) / 10,
      })),
    },
  })
}

function trigger(st: Station, req: v201.TriggerMessageRequest): CsmsAnswer {
  const evses = req.evse === undefined ? st.evses : st.evses.filter((e) => e.id === req.evse?.id)
  if (evses.length === 0) return status('Rejected')
  switch (req.requestedMessage) {
    case 'BootNotification':
      if (st.bootStatus === 'Accepted') return status('Rejected')
      return status('Accepted', () => void st.boot('Triggered'))
    case 'Heartbeat':
      return status('Accepted', () => void st.send('Heartbeat', {}))
    case 'StatusNotification':
      return status('Accepted', () => {
        for (const evse of evses) {
          for (const c of evse.connectors) {
            if (req.evse?.connectorId === undefined || req.evse.connectorId === c.id)
              void st.sendStatus(evse, c, true)
          }
        }
      })
    case 'MeterValues':
    case 'TransactionEvent':
      return status('Accepted', () => {
        for (const evse of evses) {
          if (req.requestedMessage === 'MeterValues' || evse.session?.tx)
            sendMeterValues(st, evse, evse.session, 'Trigger')
        }
      })
    case 'FirmwareStatusNotification':
      return status(
        'Accepted',
        () => void st.sendFirmwareStatus(firmwareBusy(st) ? st.firmware.status : 'Idle'),
      )
    case 'LogStatusNotification':
      return status('Accepted', () => void st.send('LogStatusNotification', { status: 'Idle' }))
    default:
      return status('NotImplemented')
  }
}

function reserveNow(st: Station, req: v201.ReserveNowRequest): CsmsAnswer {
  const evse =
    req.evseId === undefined
      ? st.evses.find((e) => canStartSession(e))
      : st.evses.find((e) => e.id === req.evseId)
  if (!evse) return status(req.evseId === undefined ? 'Occupied' : 'Rejected')
  if (!evse.operative) return status('Unavailable')
  if (evse.session || (evse.reservation && evse.reservation.id !== req.id)) return status('Occupied')
  evse.reservation = { id: req.id, idToken: req.idToken.idToken, expiresAt: Date.parse(req.expiryDateTime) }
  return status('Accepted', () => st.setEvseState(evse, 'reserved'))
}
