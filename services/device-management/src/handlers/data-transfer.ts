import { callRpc, dataTransferRpc, defineHandler, isNoResponders } from '@csms/bus'
import type { OcppVersion } from '@csms/ocpp'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection } from '@nats-io/nats-core'

type Answer = { status: 'Accepted' | 'Rejected' | 'UnknownMessageId' | 'UnknownVendorId'; data?: unknown }

/**
 * DataTransfer from a station (P02), routed by vendorId to whoever serves
 * `svc.device-management.datatransfer.<vendorId>` (a vendor integration, in any service).
 * Nobody serving it is answered UnknownVendorId; a handler that fails is a CALLERROR.
 */
export function createDataTransferHandlers(deps: { nc: NatsConnection; timeoutMs: number; logger: Logger }) {
  async function route(
    stationId: string,
    version: OcppVersion,
    p: { vendorId: string; messageId?: string | undefined; data?: unknown },
  ): Promise<Answer> {
    try {
      return await callRpc(
        deps.nc,
        dataTransferRpc(p.vendorId),
        {
          stationId,
          version,
          vendorId: p.vendorId,
          ...(p.messageId === undefined ? {} : { messageId: p.messageId }),
          ...(p.data === undefined ? {} : { data: p.data }),
        },
        { timeoutMs: deps.timeoutMs },
      )
    } catch (error) {
      if (isNoResponders(error)) {
        deps.logger.info({ stationId, vendorId: p.vendorId }, 'DataTransfer for a vendor nobody handles')
        return { status: 'UnknownVendorId' }
      }
      throw error
    }
  }
  const modern = (version: 'v201' | 'v21') =>
    defineHandler({
      version,
      action: 'DataTransfer',
      async handle({ stationId, payload }) {
        const answer = await route(stationId, version, payload)
        return answer.data === undefined
          ? { status: answer.status }
          : { status: answer.status, data: answer.data }
      },
    })
  const legacy = defineHandler({
    version: 'v16',
    action: 'DataTransfer',
    async handle({ stationId, payload }) {
      const answer = await route(stationId, 'v16', payload)
      // 1.6 data is text: anything else a handler returns travels as its JSON.
      if (answer.data === undefined) return { status: answer.status }
      return {
        status: answer.status,
        data: typeof answer.data === 'string' ? answer.data : JSON.stringify(answer.data),
      }
    },
  })
  return [modern('v201'), modern('v21'), legacy]
}
