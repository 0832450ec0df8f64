import {
  authenticateStationRpc,
  credentialsChangedSubject,
  deleteStationCredentialsRpc,
  rotateStationPasswordRpc,
  serveRpc,
  upsertStationCredentialsRpc,
} from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import { admit } from '../domain/admission.js'
import { createBatchLoader } from '../domain/batch-loader.js'
import { createPasswordVerifier } from '../domain/password-verifier.js'
import type { VerifiedCache } from '../domain/verified-cache.js'
import type { CredentialsRepo } from '../repo/credentials-repo.js'
import type { PasswordRotation } from '../station/password-rotation.js'

type Deps = {
  nc: NatsConnection
  repo: CredentialsRepo
  cache: VerifiedCache
  rotation: PasswordRotation
  allowUnknownStations: boolean
  logger: Logger
  admission?: {
    batchSize?: number
    queries?: number
    maxWaitMs?: number
    hashConcurrency?: number
  }
}

/**
 * Station credentials: the gateway asks on every upgrade that its cache cannot answer, the API
 * registers and rotates. Admissions are cheap by construction: the credential lookups of
 * concurrent admissions leave as one query, stations without a password (profile 0/3, or
 * unknown stations where they are allowed) cost that lookup only, and a password is checked
 * with scrypt once per station, password and stored hash within the cache lifetime.
 *
 * Every committed change of a station's credentials, required profile or registration (an
 * upsert, a deletion, each step of a password rotation, including the admission that confirms
 * one) is announced on `gw.credentials.<station>` so that gateways forget the admissions they
 * cached for it at once. The notice leaves before this service answers the request that made the
 * change; the gateways and the caller read on their own connections, so a gateway may act on it
 * a moment after the caller has its answer.
 * Core NATS delivers it at most once: a gateway that misses one (across a reconnect) relies on
 * its cache expiry and on clearing its cache when it reconnects.
 */
export function serveCredentialsRpc(deps: Deps): Subscription[] {
  const opts = { queue: 'auth', logger: deps.logger }
  deps.repo.onChange((stationId, change) => {
    try {
      deps.nc.publish(credentialsChangedSubject(stationId), JSON.stringify({ stationId, change }))
    } catch (err) {
      // The change is committed; the gateways' cache expiry bounds what a lost notice costs.
      deps.logger.error({ err, stationId, change, security: true }, 'credentials-changed notice not sent')
    }
  })
  const a = deps.admission ?? {}
  const lookups = createBatchLoader((ids) => deps.repo.findMany(ids), {
    maxBatch: a.batchSize ?? 1_000,
    maxConcurrent: a.queries ?? 2,
    ...(a.maxWaitMs === undefined ? {} : { maxWaitMs: a.maxWaitMs }),
  })
  const passwords = createPasswordVerifier({
    cache: deps.cache,
    concurrency: a.hashConcurrency ?? 2,
    ...(a.maxWaitMs === undefined ? {} : { maxWaitMs: a.maxWaitMs }),
  })
  return [
    serveRpc(
      deps.nc,
      authenticateStationRpc,
      async (req) => {
        const credentials = await lookups.load(req.stationId)
        const { usedPendingPassword, ...decision } = await admit({
          credentials,
          presentedProfile: req.presentedProfile,
          password: req.password,
          allowUnknownStations: deps.allowUnknownStations,
          verify: (password, hash) => passwords.verify(req.stationId, password, hash),
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
        const passwordHash = req.password === undefined ? undefined : await passwords.hash(req.password)
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
