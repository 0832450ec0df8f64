import {
  authenticateStationRpc,
  deleteStationCredentialsRpc,
  rotateStationPasswordRpc,
  serveRpc,
  upsertStationCredentialsRpc,
} from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import { admit } from '../domain/admission.js'
import { hashPassword, verifyPassword } from '../domain/password-hash.js'
import type { createVerifiedCache } from '../domain/verified-cache.js'
import type { CredentialsRepo } from '../repo/credentials-repo.js'
import type { PasswordRotation } from '../station/password-rotation.js'

type Deps = {
  nc: NatsConnection
  repo: CredentialsRepo
  cache: ReturnType<typeof createVerifiedCache>
  rotation: PasswordRotation
  allowUnknownStations: boolean
  logger: Logger
}

/** Station credentials: the gateway asks on every upgrade, the API registers and rotates. */
export function serveCredentialsRpc(deps: Deps): Subscription[] {
  const opts = { queue: 'auth', logger: deps.logger }
  const verify = async (stationId: string, password: string, hash: string) => {
    if (deps.cache.has(stationId, password, hash)) return true
    const ok = await verifyPassword(password, hash)
    if (ok) deps.cache.add(stationId, password, hash)
    return ok
  }
  return [
    serveRpc(
      deps.nc,
      authenticateStationRpc,
      async (req) => {
        const credentials = await deps.repo.find(req.stationId)
        const { usedPendingPassword, ...decision } = await admit({
          credentials,
          presentedProfile: req.presentedProfile,
          password: req.password,
          allowUnknownStations: deps.allowUnknownStations,
          verify: (password, hash) => verify(req.stationId, password, hash),
        })
        if (usedPendingPassword && credentials?.pendingPasswordHash) {
          // Logging in with the new password is the station's confirmation of a rotation.
          await deps.repo.promotePending(req.stationId, credentials.pendingPasswordHash)
          deps.cache.forget(req.stationId)
          deps.logger.info({ stationId: req.stationId, security: true }, 'station confirmed its new password')
        }
        if (!decision.accepted) {
          deps.logger.warn(
            {
              stationId: req.stationId,
              reason: decision.reason,
              remoteAddress: req.remoteAddress,
              security: true,
            },
            'station refused',
          )
        }
        return decision
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      upsertStationCredentialsRpc,
      async (req) => {
        const passwordHash = req.password === undefined ? undefined : await hashPassword(req.password)
        deps.cache.forget(req.stationId)
        const stored = await deps.repo.upsert(req.stationId, {
          ...(req.securityProfile === undefined ? {} : { securityProfile: req.securityProfile }),
          ...(passwordHash === undefined ? {} : { passwordHash }),
        })
        return { stationId: req.stationId, ...stored }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      deleteStationCredentialsRpc,
      async ({ stationId }) => {
        deps.cache.forget(stationId)
        return { deleted: await deps.repo.remove(stationId) }
      },
      opts,
    ),
    serveRpc(deps.nc, rotateStationPasswordRpc, (req) => deps.rotation.rotate(req), opts),
  ]
}
