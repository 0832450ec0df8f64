import {
  type AuthenticateStationRequest,
  type AuthenticateStationResponse,
  authenticateStationRpc,
  HEADER,
  serveRpc,
} from '@csms/bus'
import { headers, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node'

/**
 * Stand-in for the auth service at the NATS boundary: admits per `decide` (everyone by default).
 * The security-profile tests use the real auth service instead.
 */
export type Decide = (req: AuthenticateStationRequest) => AuthenticateStationResponse

export function serveAdmission(
  nc: NatsConnection,
  decide: Decide = () => ({
    accepted: true,
    registered: false,
    requiredProfile: 0,
  }),
): Subscription {
  return serveRpc(nc, authenticateStationRpc, async (req) => decide(req))
}

export type Answer = { payload: unknown } | { error: string; description?: string } | 'silent'

/** A trivial owning service: answers ocpp.in.<ver>.<Action>.<station> as `answer` says. */
export function serveStationCalls(
  nc: NatsConnection,
  answer: (action: string, payload: unknown, msg: Msg) => Answer | Promise<Answer>,
  subject = 'ocpp.in.>',
): Subscription {
  return nc.subscribe(subject, {
    callback: (err, msg) => {
      if (err) return
      const action = msg.subject.split('.')[3] ?? ''
      void Promise.resolve(answer(action, msg.json(), msg)).then((a) => {
        if (a === 'silent') return
        if ('payload' in a) {
          msg.respond(JSON.stringify(a.payload))
          return
        }
        const h = headers()
        h.set(HEADER.errorCode, a.error)
        h.set(HEADER.errorDescription, a.description ?? a.error)
        msg.respond('{}', { headers: h })
      })
    },
  })
}
