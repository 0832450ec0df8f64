import { AppError } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import { generateStationPassword } from '../domain/password-generator.js'
import { hashPassword } from '../domain/password-hash.js'
import type { createVerifiedCache } from '../domain/verified-cache.js'
import type { CredentialsRepo } from '../repo/credentials-repo.js'
import type { ProtocolResolver, StationCaller } from './station-call.js'

export type PasswordRotation = ReturnType<typeof createPasswordRotation>

type RotationResult = {
  stationId: string
  status: 'confirmed' | 'pending' | 'rejected'
  password?: string
  detail?: string
}

/**
 * OCPP 2.0.1 A01: the CSMS sends the new Basic-auth password with SetVariables
 * (SecurityCtrlr.BasicAuthPassword; 1.6: ChangeConfiguration AuthorizationKey). Until the
 * station confirms, by accepting it or by logging in with it, both passwords are valid, so a
 * station that reboots before it answers is never locked out. A refusal drops the new one.
 */
export function createPasswordRotation(deps: {
  repo: CredentialsRepo
  cache: ReturnType<typeof createVerifiedCache>
  call: StationCaller
  protocolOf: ProtocolResolver
  logger: Logger
}) {
  return {
    async rotate(req: { stationId: string; password?: string | undefined }): Promise<RotationResult> {
      const { stationId } = req
      const credentials = await deps.repo.find(stationId)
      if (!credentials) throw new AppError('not_found', `station ${stationId} is not registered`)
      if (credentials.securityProfile === 3) {
        throw new AppError(
          'invalid_input',
          `station ${stationId} uses client certificates (profile 3), no password`,
        )
      }
      const version = await deps.protocolOf(stationId)
      if (!version) throw new AppError('station_offline', `station ${stationId} has not connected yet`)
      const password = req.password ?? generateStationPassword()
      const hash = await hashPassword(password)
      await deps.repo.setPending(stationId, hash)
      const generated = req.password === undefined ? { password } : {}

      const reply =
        version === 'v16'
          ? await deps.call(stationId, 'ChangeConfiguration', { key: 'AuthorizationKey', value: password })
          : await deps.call(stationId, 'SetVariables', {
              setVariableData: [
                {
                  attributeType: 'Actual',
                  attributeValue: password,
                  component: { name: 'SecurityCtrlr' },
                  variable: { name: 'BasicAuthPassword' },
                },
              ],
            })
      if (!reply.ok) {
        if (reply.outcome === 'Error') {
          await deps.repo.dropPending(stationId, hash)
          return { stationId, status: 'rejected', detail: reply.detail }
        }
        deps.logger.info({ stationId, outcome: reply.outcome }, 'password rotation waits for the station')
        return { stationId, status: 'pending', ...generated, detail: reply.detail }
      }
      const results = reply.payload.setVariableResult as Array<{ attributeStatus?: string }> | undefined
      const answer = String(version === 'v16' ? reply.payload.status : results?.[0]?.attributeStatus)
      if (answer === 'Accepted' || answer === 'RebootRequired') {
        await deps.repo.promotePending(stationId, hash)
        deps.cache.forget(stationId)
        deps.logger.info({ stationId, security: true }, 'station password rotated')
        return { stationId, status: 'confirmed', ...generated, detail: answer }
      }
      await deps.repo.dropPending(stationId, hash)
      return { stationId, status: 'rejected', detail: answer }
    },
  }
}
