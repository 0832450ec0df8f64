import { createHash } from 'node:crypto'
import {
  type AuthenticateStationResponse,
  authenticateStationRpc,
  callRpc,
  type SecurityProfile,
} from '@csms/bus'
import type { NatsConnection } from '@nats-io/transport-node'

export type AdmissionRequest = {
  stationId: string
  password: string | undefined
  presentedProfile: SecurityProfile
  remoteAddress: string
}

export type Admission = {
  admit(req: AdmissionRequest): Promise<AuthenticateStationResponse>
  /** The cached accepted answer, if any: lets the upgrade finish synchronously. */
  cached(req: AdmissionRequest): AuthenticateStationResponse | undefined
  /** Questions to the auth service awaiting an answer now. */
  inFlight(): number
  /** How long a question may wait for the auth service before the upgrade gets 503. */
  readonly timeoutMs: number
}

export type AdmissionOptions = {
  /**
   * Distinct questions to the auth service in flight at once. Beyond it an upgrade is refused
   * at once (`AdmissionBusyError`, 503 with Retry-After) instead of queueing for an answer that
   * would come after the gateway's timeout: the station's retry costs less than a socket that
   * waits only to be told 503.
   */
  maxInFlight?: number
}

/** The gateway already waits for as many admissions as it allows: the station retries shortly. */
export class AdmissionBusyError extends Error {
  override readonly name = 'AdmissionBusyError'
  constructor(readonly limit: number) {
    super(`${limit} admissions are already waiting for the auth service`)
  }
}

const MAX_CACHED = 200_000
/**
 * The auth service answers thousands of batched admissions per second per core, so this many
 * are answered well within the 5 s timeout; a gateway that has more waiting is failing anyway.
 */
export const DEFAULT_MAX_IN_FLIGHT = 4_000

/**
 * Asks the auth service whether a station may connect. Accepted answers are reused for `cacheMs`
 * and identical questions in flight share one request, so that a reconnection storm does not
 * become one password hash per station per attempt. Refusals are never cached: a station that
 * was just registered gets in at its next attempt, and a wrong password is always asked about.
 * The cache key holds a hash of the password, never the password. At most `maxInFlight`
 * distinct questions wait at once (see AdmissionOptions).
 */
export function createAdmission(
  nc: NatsConnection,
  cacheMs: number,
  timeoutMs = 5_000,
  o: AdmissionOptions = {},
): Admission {
  const maxInFlight = o.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT
  const accepted = new Map<string, { expires: number; answer: AuthenticateStationResponse }>()
  // A handful of distinct answers exist: share them instead of one object per cached station.
  const answers = new Map<string, AuthenticateStationResponse>()
  const intern = (a: AuthenticateStationResponse) => {
    const key = JSON.stringify(a)
    const known = answers.get(key)
    if (known) return known
    answers.set(key, a)
    return a
  }
  // Idle stations never ask again: drop their expired entries instead of keeping them forever.
  if (cacheMs > 0) {
    setInterval(
      () => {
        const now = Date.now()
        for (const [key, entry] of accepted) if (entry.expires <= now) accepted.delete(key)
      },
      Math.max(cacheMs, 10_000),
    ).unref()
  }
  const asking = new Map<string, Promise<AuthenticateStationResponse>>()
  const keyOf = (r: AdmissionRequest) =>
    `${r.stationId}\u0000${r.presentedProfile}\u0000${r.password === undefined ? '-' : createHash('sha256').update(r.password).digest('base64')}`

  async function ask(key: string, req: AdmissionRequest): Promise<AuthenticateStationResponse> {
    const answer = await callRpc(
      nc,
      authenticateStationRpc,
      {
        stationId: req.stationId,
        presentedProfile: req.presentedProfile,
        remoteAddress: req.remoteAddress,
        ...(req.password === undefined ? {} : { password: req.password }),
      },
      { timeoutMs },
    )
    if (answer.accepted && cacheMs > 0) {
      if (accepted.size >= MAX_CACHED) accepted.clear()
      accepted.set(key, { expires: Date.now() + cacheMs, answer: intern(answer) })
    }
    return answer
  }

  const lookup = (key: string) => {
    const hit = accepted.get(key)
    if (hit && hit.expires > Date.now()) return hit.answer
    if (hit) accepted.delete(key)
    return undefined
  }

  return {
    timeoutMs,
    cached: (req) => lookup(keyOf(req)),
    inFlight: () => asking.size,
    admit(req) {
      const key = keyOf(req)
      const hit = lookup(key)
      if (hit) return Promise.resolve(hit)
      const inFlight = asking.get(key)
      if (inFlight) return inFlight
      if (asking.size >= maxInFlight) return Promise.reject(new AdmissionBusyError(maxInFlight))
      const p = ask(key, req).finally(() => asking.delete(key))
      asking.set(key, p)
      return p
    },
  }
}
