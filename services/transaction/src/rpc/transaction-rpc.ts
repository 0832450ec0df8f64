import {
  AppError,
  callRpc,
  callStation,
  getStationRpc,
  getTransactionRpc,
  isAppError,
  listReservationsRpc,
  listTariffsRpc,
  listTransactionsRpc,
  type OcppReply,
  remainingMs,
  serveRpc,
  startTransactionRpc,
  stopTransactionRpc,
  upsertTariffRpc,
} from '@csms/bus'
import { type OcppVersion, validateRequest, versionOfSubprotocol } from '@csms/ocpp'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/transport-node'
import { statusOf } from '../commands/record-commands.js'
import type { StartProfileCheck } from '../commands/start-profile-check.js'
import type { TariffResolver } from '../domain/tariff-resolver.js'
import type { TransactionRepo } from '../repo/transaction-repo.js'

/** Sessions, remote start/stop, tariffs and reservations as the operator API sees them. */
export function serveTransactionRpc(deps: {
  nc: NatsConnection
  repo: TransactionRepo
  tariffs: TariffResolver
  checkStartProfile: StartProfileCheck
  logger: Logger
}): Subscription[] {
  const { nc, repo } = deps
  const opts = { queue: 'transaction', logger: deps.logger }
  return [
    serveRpc(
      nc,
      listTransactionsRpc,
      async (q) => {
        try {
          return await repo.list(q)
        } catch (error) {
          if (error instanceof RangeError) throw new AppError('invalid_input', error.message)
          throw error
        }
      },
      opts,
    ),
    serveRpc(
      nc,
      getTransactionRpc,
      async (q) => ({ transaction: await repo.get(q.id, q.stationId, q.meterValuesLimit ?? 10_000) }),
      opts,
    ),
    serveRpc(nc, startTransactionRpc, (q) => remoteStart(deps, q), opts),
    serveRpc(nc, stopTransactionRpc, (q) => remoteStop(deps, q), opts),
    serveRpc(
      nc,
      upsertTariffRpc,
      async (t) => {
        await repo.upsertTariff(t)
        deps.tariffs.invalidate()
        return { tariff: t }
      },
      opts,
    ),
    serveRpc(nc, listTariffsRpc, async () => ({ tariffs: await repo.listTariffs() }), opts),
    serveRpc(
      nc,
      listReservationsRpc,
      async (q) => ({ reservations: await repo.listReservations(q.stationId, q.status) }),
      opts,
    ),
  ]
}

type Deps = { nc: NatsConnection; repo: TransactionRepo; checkStartProfile: StartProfileCheck }

async function stationVersion(nc: NatsConnection, stationId: string): Promise<OcppVersion> {
  const { station } = await callRpc(nc, getStationRpc, { stationId })
  const version = station?.protocol ? versionOfSubprotocol(station.protocol) : undefined
  if (!station?.connected || version === undefined) {
    throw new AppError('station_offline', `station ${stationId} is not connected`)
  }
  return version
}

async function send(
  nc: NatsConnection,
  stationId: string,
  version: OcppVersion,
  action: string,
  payload: unknown,
  timeoutMs?: number,
) {
  const checked = validateRequest(version, action, payload)
  if (!checked.ok) throw new AppError('invalid_input', checked.error.description, { details: checked.error })
  const reply = await callStation(nc, {
    stationId,
    action,
    payload: checked.value,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  })
  return reply
}

function stationError(reply: OcppReply & { ok: false }): AppError {
  return new AppError('station_error', `station answered CALLERROR ${reply.code}: ${reply.description}`, {
    details: { code: reply.code, description: reply.description, details: reply.details },
  })
}

/**
 * RequestStartTransaction (1.6: RemoteStartTransaction) with a remoteStartId the CSMS picks,
 * recorded before it is sent: the station may send the TransactionEvent (or StartTransaction)
 * naming it before its answer reaches us. A chargingProfile is checked by smart charging first
 * (K05); a refused one is neither recorded nor sent.
 */
async function remoteStart(
  deps: Deps,
  q: {
    stationId: string
    evseId?: number | undefined
    idToken: { idToken: string; type: string }
    groupIdToken?: { idToken: string; type: string } | undefined
    chargingProfile?: Record<string, unknown> | undefined
    timeoutMs?: number | undefined
  },
) {
  const version = await stationVersion(deps.nc, q.stationId)
  const legacy = version === 'v16'
  const remoteStartId = legacy ? null : await deps.repo.nextRemoteStartId()
  const profile = q.chargingProfile === undefined ? {} : { chargingProfile: q.chargingProfile }
  const payload = legacy
    ? { idTag: q.idToken.idToken, ...(q.evseId === undefined ? {} : { connectorId: q.evseId }), ...profile }
    : {
        remoteStartId,
        idToken: q.idToken,
        ...(q.evseId === undefined ? {} : { evseId: q.evseId }),
        ...(q.groupIdToken === undefined ? {} : { groupIdToken: q.groupIdToken }),
        ...profile,
      }
  const since = Date.now()
  await deps.checkStartProfile(q.stationId, version, payload)
  const rowId = await deps.repo.recordRemoteStart({
    stationId: q.stationId,
    remoteStartId,
    protocol: legacy ? 'ocpp1.6' : version === 'v21' ? 'ocpp2.1' : 'ocpp2.0.1',
    evseId: q.evseId ?? null,
    idToken: q.idToken.idToken,
    idTokenType: legacy ? null : q.idToken.type,
    status: 'Requested',
    transactionId: null,
  })
  const action = legacy ? 'RemoteStartTransaction' : 'RequestStartTransaction'
  let reply: OcppReply
  try {
    reply = await send(deps.nc, q.stationId, version, action, payload, remainingMs(q.timeoutMs, since))
  } catch (error) {
    await deps.repo.setRemoteStartStatus(rowId, isAppError(error) ? `failed:${error.code}` : 'failed', null)
    throw error
  }
  const status = statusOf(reply)
  const tx = reply.ok ? (reply.payload as { transactionId?: unknown }).transactionId : undefined
  const transactionId = typeof tx === 'string' ? tx : null
  await deps.repo.setRemoteStartStatus(rowId, status, transactionId)
  if (!reply.ok) throw stationError(reply)
  return { remoteStartId, status, transactionId, stationResponse: reply.payload }
}

async function remoteStop(
  deps: Deps,
  q: { id: string; stationId?: string | undefined; timeoutMs?: number | undefined },
) {
  const row = await deps.repo.find(q.id, q.stationId)
  if (!row) throw new AppError('not_found', `no transaction ${q.id}`)
  if (row.doc.endedSeen) throw new AppError('conflict', `transaction ${q.id} already ended`)
  const legacy = row.protocol === 'ocpp1.6'
  const version: OcppVersion = legacy ? 'v16' : row.protocol === 'ocpp2.1' ? 'v21' : 'v201'
  const payload = legacy
    ? { transactionId: Number(row.transaction_id) }
    : { transactionId: row.transaction_id }
  const reply = await send(
    deps.nc,
    row.station_id,
    version,
    legacy ? 'RemoteStopTransaction' : 'RequestStopTransaction',
    payload,
    q.timeoutMs,
  )
  await deps.repo.recordRemoteStop(row.station_id, row.transaction_id, statusOf(reply))
  if (!reply.ok) throw stationError(reply)
  return {
    status: statusOf(reply),
    stationId: row.station_id,
    transactionId: row.transaction_id,
    stationResponse: reply.payload,
  }
}
