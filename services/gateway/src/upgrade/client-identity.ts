import type { SecurityProfile } from '@csms/bus'
import { parseDn, single } from './distinguished-name.js'

export type TlsFacts = {
  /** TLS terminated by this process (SSLApp). */
  tlsHere: boolean
  /** The peer is a configured TLS-terminating proxy, so its forwarded headers count. */
  viaProxy: boolean
  /** X-Forwarded-Proto, ssl-client-verify and ssl-client-subject-dn as the proxy sent them. */
  forwardedProto: string
  clientVerify: string
  clientSubject: string
}

export type Identity =
  | { ok: true; presentedProfile: SecurityProfile }
  | { ok: false; status: 403; reason: string; label: 'certificate' }

/**
 * Which security profile a connection actually offers. Forwarded TLS facts (ingress-nginx's
 * ssl-client-verify / ssl-client-subject-dn) count only from configured proxies. Profile 3: the
 * proxy verified the chain; the certificate's single CN must be the station id and its single O
 * the operator, a check both leading open-source CSMSs skip.
 */
export function identify(
  stationId: string,
  f: TlsFacts,
  hasPassword: boolean,
  organization: string | undefined,
): Identity {
  const tls = f.tlsHere || (f.viaProxy && f.forwardedProto.toLowerCase() === 'https')
  if (f.viaProxy && f.clientVerify === 'SUCCESS') {
    if (organization === undefined) {
      return refuse('client certificates are not accepted: no operator organization is configured')
    }
    const subject = parseDn(f.clientSubject)
    if (single(subject, 'CN') !== stationId)
      return refuse('client certificate CN does not match the station id')
    if (single(subject, 'O') !== organization) return refuse('client certificate O is not this operator')
    return { ok: true, presentedProfile: 3 }
  }
  return { ok: true, presentedProfile: hasPassword ? (tls ? 2 : 1) : 0 }
}

function refuse(reason: string): Identity {
  return { ok: false, status: 403, reason, label: 'certificate' }
}
