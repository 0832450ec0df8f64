import type { HttpRequest, HttpResponse, us_socket_context_t } from 'uWebSockets.js'
import { randomUUID } from 'node:crypto'
import { type AuthenticateStationResponse, isAppError } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { GatewayMetrics } from '../gateway-metrics.js'
import type { StationData } from '../server/station-socket.js'
import { type Admission, AdmissionBusyError, type AdmissionRequest } from './admission.js'
import { parseBasicAuth } from './basic-auth.js'
import { identify } from './client-identity.js'
import type { FailureLimiter } from './failure-limiter.js'
import { clientAddress, normalizeAddress } from './forwarded-for.js'
import { refuse } from './refuse.js'
import { parseStationPath } from './station-path.js'
import { chooseSubprotocol } from './subprotocol.js'

export type UpgradeDeps = {
  tlsHere: boolean
  trustedProxies: ReadonlySet<string>
  organization: string | undefined
  maxConnections: number
  openSockets: () => number
  isDraining: () => boolean
  admission: Admission
  stationLimiter: FailureLimiter
  addressLimiter: FailureLimiter
  metrics: GatewayMetrics
  logger: Logger
}

const decoder = new TextDecoder()
const CHALLENGE = { 'www-authenticate': 'Basic realm="ocpp", charset="UTF-8"' }

/**
 * The WebSocket upgrade: cheap checks first (path, subprotocol, capacity, rate limit, forwarded
 * TLS facts), then one admission round trip to the auth service. Every refusal is an HTTP status
 * with a reason, a metric labelled by reason and a log line marked as a security event.
 */
export function createUpgradeHandler(d: UpgradeDeps) {
  let pending = 0

  return (res: HttpResponse, req: HttpRequest, context: us_socket_context_t): void => {
    // Everything from req must be read now: it is gone after the first await.
    const url = req.getUrl()
    const key = req.getHeader('sec-websocket-key')
    const protocols = req.getHeader('sec-websocket-protocol')
    const extensions = req.getHeader('sec-websocket-extensions')
    const authorization = req.getHeader('authorization')
    const tls = {
      tlsHere: d.tlsHere,
      forwardedProto: req.getHeader('x-forwarded-proto'),
      clientVerify: req.getHeader('ssl-client-verify'),
      clientSubject: req.getHeader('ssl-client-subject-dn'),
    }
    const peer = normalizeAddress(decoder.decode(res.getRemoteAddressAsText()))
    const { address, viaProxy } = clientAddress(peer, req.getHeader('x-forwarded-for'), d.trustedProxies)
    let aborted = false
    res.onAborted(() => {
      aborted = true
    })
    let stationId: string | undefined
    const fail = (status: number, reason: string, label: string, headers?: Record<string, string>) => {
      d.metrics.upgradesRefused.inc({ reason: label })
      d.logger.warn(
        {
          security: true,
          event: 'upgrade_refused',
          status,
          reason: label,
          detail: reason,
          stationId,
          remoteAddress: address ?? peer,
          peer,
        },
        'upgrade refused',
      )
      refuse(res, status, reason, headers)
    }
    const failAuth = (status: number, reason: string, label: string, headers?: Record<string, string>) => {
      d.stationLimiter.recordFailure(stationId as string)
      if (address !== undefined) d.addressLimiter.recordFailure(address)
      fail(status, reason, label, headers)
    }

    const path = parseStationPath(url)
    if (!path.ok) return fail(path.status, path.reason, 'bad_path')
    stationId = path.stationId
    const chosen = chooseSubprotocol(protocols)
    if (!chosen)
      return fail(400, 'no supported OCPP subprotocol offered: ocpp2.1, ocpp2.0.1 or ocpp1.6', 'subprotocol')
    if (d.isDraining())
      return fail(503, 'gateway is shutting down, connect again', 'draining', { 'retry-after': '1' })
    if (d.openSockets() + pending >= d.maxConnections) {
      return fail(503, 'gateway is at its connection limit', 'capacity', { 'retry-after': '5' })
    }
    if (
      d.stationLimiter.isBlocked(stationId) ||
      (address !== undefined && d.addressLimiter.isBlocked(address))
    ) {
      return fail(429, 'too many failed attempts, retry later', 'rate_limited', { 'retry-after': '60' })
    }
    const basic = authorization ? parseBasicAuth(authorization, stationId) : undefined
    if (authorization && !basic)
      return failAuth(401, 'Authorization must be HTTP Basic', 'bad_auth', CHALLENGE)
    if (basic && basic.user !== stationId) {
      return failAuth(401, 'the Basic auth user must be the station id', 'bad_auth', CHALLENGE)
    }
    const identity = identify(stationId, { ...tls, viaProxy }, basic !== undefined, d.organization)
    if (!identity.ok) return failAuth(identity.status, identity.reason, identity.label)

    const admitted = stationId
    const finish = (answer: AuthenticateStationResponse) => {
      if (aborted) return
      if (!answer.accepted)
        return failAuth(401, `station refused: ${answer.reason}`, answer.reason, CHALLENGE)
      if (d.isDraining())
        return fail(503, 'gateway is shutting down, connect again', 'draining', { 'retry-after': '1' })
      const data: StationData = {
        stationId: admitted,
        version: chosen.version,
        protocol: chosen.protocol,
        connectionId: randomUUID(),
        remoteAddress: address ?? peer,
        openedAt: 0,
      }
      // uWS 20.30 may close a socket upgraded inside res.cork() from an async callback, right
      // after open (uNetworking/uWebSockets#1928, fixed upstream by PR #1929 in builds this
      // machine's glibc cannot load). Uncorked it is correct, at the price of a cork warning
      // on stderr; the cached path below is synchronous, corked by uWS and warns nothing.
      res.upgrade(data, key, chosen.protocol, extensions, context)
    }
    const request: AdmissionRequest = {
      stationId,
      password: basic?.password,
      presentedProfile: identity.presentedProfile,
      remoteAddress: address ?? peer,
    }
    // Reconnection storms hit the cache: those upgrades finish inside this handler.
    const cached = d.admission.cached(request)
    if (cached) return finish(cached)
    pending++
    d.admission
      .admit(request)
      .then(finish)
      .catch((error: unknown) => {
        const why = admissionFailure(error, d.admission.timeoutMs)
        // Expected under overload (and logged below as a refusal); anything else is a bug.
        if (why.label === 'auth_error') d.logger.error({ err: error, stationId }, 'admission failed')
        if (aborted) return
        fail(503, why.reason, why.label, { 'retry-after': String(retryAfterS(why.retryAfterS)) })
      })
      .finally(() => {
        pending--
      })
  }
}

type AdmissionFailure = {
  label: 'admission_busy' | 'auth_timeout' | 'auth_unavailable' | 'auth_error'
  reason: string
  /** Base of the Retry-After the station gets; spread by `retryAfterS`. */
  retryAfterS: number
}

/** Why an admission got no answer, as the 503 says it (the `reason` label of the refusal metric). */
export function admissionFailure(error: unknown, timeoutMs: number): AdmissionFailure {
  const prefix = 'CSMS cannot check credentials right now'
  if (error instanceof AdmissionBusyError) {
    return {
      label: 'admission_busy',
      reason: `${prefix}: this gateway is already waiting on ${error.limit} admissions; retry shortly`,
      retryAfterS: 2,
    }
  }
  const code = isAppError(error) ? error.code : undefined
  if (code === 'timeout') {
    return {
      label: 'auth_timeout',
      reason: `${prefix}: the auth service did not answer within ${timeoutMs} ms; retry later`,
      retryAfterS: 5,
    }
  }
  if (code === 'unavailable') {
    return {
      label: 'auth_unavailable',
      reason: `${prefix}: no auth service is answering; retry later`,
      retryAfterS: 10,
    }
  }
  return { label: 'auth_error', reason: `${prefix}: the auth service failed; retry later`, retryAfterS: 10 }
}

/**
 * Between `base` and twice `base` seconds: stations refused together in a storm that honour
 * Retry-After as given must not all come back in the same second.
 */
export function retryAfterS(base: number, random = Math.random()): number {
  return base + Math.floor(random * (base + 1))
}
