import type { CommandRecorder, OcppReply, PublishFact } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import { publishReservationFact } from '../events/transaction-facts.js'
import type { TransactionRepo } from '../repo/transaction-repo.js'

// What the station answered to the CSMS-initiated calls this service owns, recorded where it
// belongs: remote starts (linked later to the TransactionEvent naming their remoteStartId),
// remote stops, reservations. Sent from the operator API through `serveCommands`.

type Payload = Record<string, unknown>

const PROTOCOL = { v16: 'ocpp1.6', v201: 'ocpp2.0.1', v21: 'ocpp2.1' } as const

export function createCommandRecorder(deps: {
  repo: TransactionRepo
  publish: PublishFact
  logger: Logger
}): CommandRecorder {
  return async (req, reply) => {
    const p = (req.payload ?? {}) as Payload
    const answer = statusOf(reply)
    const protocol = PROTOCOL[req.version]
    switch (req.action) {
      case 'RequestStartTransaction': {
        const token = p.idToken as { idToken: string; type: string }
        const tx = reply.ok ? (reply.payload as Payload).transactionId : undefined
        await deps.repo.recordRemoteStart({
          stationId: req.stationId,
          remoteStartId: p.remoteStartId as number,
          protocol,
          evseId: (p.evseId as number | undefined) ?? null,
          idToken: token.idToken,
          idTokenType: token.type,
          status: answer,
          transactionId: typeof tx === 'string' ? tx : null,
        })
        return
      }
      case 'RemoteStartTransaction':
        await deps.repo.recordRemoteStart({
          stationId: req.stationId,
          remoteStartId: null,
          protocol,
          evseId: (p.connectorId as number | undefined) ?? null,
          idToken: p.idTag as string,
          idTokenType: null,
          status: answer,
          transactionId: null,
        })
        return
      case 'RequestStopTransaction':
      case 'RemoteStopTransaction':
        await deps.repo.recordRemoteStop(req.stationId, String(p.transactionId), answer)
        return
      case 'ReserveNow': {
        const modern = req.version !== 'v16'
        const token = modern
          ? (p.idToken as { idToken: string; type: string })
          : { idToken: p.idTag as string, type: null }
        const group = modern
          ? (p.groupIdToken as { idToken: string } | undefined)?.idToken
          : (p.parentIdTag as string | undefined)
        await deps.repo.recordReservation({
          stationId: req.stationId,
          reservationId: (modern ? p.id : p.reservationId) as number,
          protocol,
          evseId: ((modern ? p.evseId : p.connectorId) as number | undefined) ?? null,
          idToken: token.idToken,
          idTokenType: token.type,
          groupIdToken: group ?? null,
          expiresAt: (modern ? p.expiryDateTime : p.expiryDate) as string,
          status: answer === 'Accepted' ? 'active' : 'rejected',
        })
        return
      }
      case 'CancelReservation': {
        if (answer !== 'Accepted') return
        const changed = await deps.repo.setReservationStatus(
          req.stationId,
          p.reservationId as number,
          'cancelled',
        )
        if (changed) await publishReservationFact(deps.publish, changed)
        return
      }
      default:
        return
    }
  }
}

/** The station's status, or `CALLERROR:<code>` when it answered with an error. */
export function statusOf(reply: OcppReply): string {
  if (!reply.ok) return `CALLERROR:${reply.code}`
  const status = (reply.payload as { status?: unknown } | undefined)?.status
  return typeof status === 'string' ? status : 'Unknown'
}
