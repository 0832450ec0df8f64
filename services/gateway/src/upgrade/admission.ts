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
}

const MAX_CACHED = 200_000

/**
 * Asks the auth service whether a station may connect. Accepted answers are reused for `cacheMs`
 * and identical questions in flight share one request, so that a reconnection storm does not
 * become one password hash per station per attempt. Refusals are never cached: a station that
 * was just registered gets in at its next attempt. The cache key holds a hash of the password,
 * never the password.
 */
export function createAdmission(nc: NatsConnection, cacheMs: number, timeoutMs = 5_000): Admission {
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
    cached: (req) => lookup(keyOf(req)),
    admit(req) {
      const key = keyOf(req)
      const hit = lookup(key)
      if (hit) return Promise.resolve(hit)
      const inFlight = asking.get(key)
      if (inFlight) return inFlight
      const p = ask(key, req).finally(() => asking.delete(key))
      asking.set(key, p)
      return p
    },
  }
}
