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
  /**
   * The station's credentials changed: drop its cached admission, and let no question already in
   * flight for it fill the cache (nor be shared with a later upgrade). O(1) per station.
   */
  forget(stationId: string): void
  /** Forget every station (NATS reconnected: notices may have been lost meanwhile). */
  clear(): void
  /** Stations with a cached accepted admission. */
  cachedStations(): number
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

/** Stations whose accepted admission is kept at most (each holds one). */
const MAX_CACHED = 200_000
/**
 * The auth service answers thousands of batched admissions per second per core, so this many
 * are answered well within the 5 s timeout; a gateway that has more waiting is failing anyway.
 */
export const DEFAULT_MAX_IN_FLIGHT = 4_000

/** One station's accepted admission: the question it answers (profile and password hash). */
type Accepted = { question: string; expires: number; answer: AuthenticateStationResponse }
/** A question waiting for the auth service; `stale` once the station's credentials changed. */
type Flight = { promise: Promise<AuthenticateStationResponse>; stale: boolean }

/**
 * Asks the auth service whether a station may connect. Accepted answers are reused for `cacheMs`
 * and identical questions in flight share one request, so that a reconnection storm does not
 * become one password hash per station per attempt. Refusals are never cached: a station that
 * was just registered gets in at its next attempt, and a wrong password is always asked about.
 * The cache holds a hash of the password, never the password. At most `maxInFlight` distinct
 * questions wait at once (see AdmissionOptions).
 *
 * Both the cache and the questions in flight are keyed by station id, so that `forget` (the
 * auth service's credentials-changed notice) costs O(1) per station: a mass rotation of 10,000
 * stations is 10,000 map deletions, never a scan of the cache. A station keeps one accepted
 * question (the latest); a question in flight when its station is forgotten is marked stale and
 * its answer, though returned to the upgrade that asked, is neither cached nor shared.
 */
export function createAdmission(
  nc: NatsConnection,
  cacheMs: number,
  timeoutMs = 5_000,
  o: AdmissionOptions = {},
): Admission {
  const maxInFlight = o.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT
  const accepted = new Map<string, Accepted>()
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
        for (const [stationId, entry] of accepted) if (entry.expires <= now) accepted.delete(stationId)
      },
      Math.max(cacheMs, 10_000),
    ).unref()
  }
  // Station id → question → flight. Nearly always one question per station.
  const asking = new Map<string, Map<string, Flight>>()
  let waiting = 0
  const questionOf = (r: AdmissionRequest) =>
    `${r.presentedProfile}\u0000${r.password === undefined ? '-' : createHash('sha256').update(r.password).digest('base64')}`

  async function ask(req: AdmissionRequest, question: string, flight: Flight) {
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
    // A notice that arrived meanwhile may mean this answer is already outdated: use it once.
    if (answer.accepted && cacheMs > 0 && !flight.stale) {
      if (accepted.size >= MAX_CACHED && !accepted.has(req.stationId)) accepted.clear()
      accepted.set(req.stationId, { question, expires: Date.now() + cacheMs, answer: intern(answer) })
    }
    return answer
  }

  const lookup = (stationId: string, question: string) => {
    const hit = accepted.get(stationId)
    if (!hit || hit.question !== question) return undefined
    if (hit.expires > Date.now()) return hit.answer
    accepted.delete(stationId)
    return undefined
  }

  const settle = (stationId: string, question: string, flight: Flight) => {
    waiting--
    const questions = asking.get(stationId)
    if (questions?.get(question) !== flight) return
    questions.delete(question)
    if (questions.size === 0) asking.delete(stationId)
  }

  const staleAll = (questions: Map<string, Flight>) => {
    for (const flight of questions.values()) flight.stale = true
  }

  return {
    timeoutMs,
    cached: (req) => lookup(req.stationId, questionOf(req)),
    inFlight: () => waiting,
    cachedStations: () => accepted.size,
    admit(req) {
      const question = questionOf(req)
      const hit = lookup(req.stationId, question)
      if (hit) return Promise.resolve(hit)
      const shared = asking.get(req.stationId)?.get(question)
      if (shared) return shared.promise
      if (waiting >= maxInFlight) return Promise.reject(new AdmissionBusyError(maxInFlight))
      const flight: Flight = { promise: undefined as never, stale: false }
      waiting++
      flight.promise = ask(req, question, flight).finally(() => settle(req.stationId, question, flight))
      const questions = asking.get(req.stationId) ?? new Map<string, Flight>()
      if (questions.size === 0) asking.set(req.stationId, questions)
      questions.set(question, flight)
      return flight.promise
    },
    forget(stationId) {
      accepted.delete(stationId)
      const questions = asking.get(stationId)
      if (!questions) return
      staleAll(questions)
      asking.delete(stationId)
    },
    clear() {
      accepted.clear()
      for (const questions of asking.values()) staleAll(questions)
      asking.clear()
    },
  }
}
