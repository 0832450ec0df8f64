import { decodeJson, ocppOutPattern, replyOcpp } from '@csms/bus'
import type { NatsConnection } from '@nats-io/nats-core'

export type FakeStation = {
  calls: Array<{ action: string; payload: Record<string, unknown> }>
  stop(): void
}

type Answer = unknown | { callError: string }

/**
 * Plays the gateway pod holding a station's socket: answers the CSMS's calls on
 * ocpp.out.<station>.<Action> with what `answers` gives ({ callError } for a CALLERROR).
 */
export function fakeStation(
  nc: NatsConnection,
  stationId: string,
  answers: Record<string, (payload: Record<string, unknown>) => Answer>,
): FakeStation {
  const calls: FakeStation['calls'] = []
  const sub = nc.subscribe(ocppOutPattern(stationId), {
    callback: (_err, msg) => {
      const action = msg.subject.slice(msg.subject.lastIndexOf('.') + 1)
      const payload = decodeJson(msg.data) as Record<string, unknown>
      calls.push({ action, payload })
      const answer = answers[action]?.(payload) ?? {}
      if (typeof answer === 'object' && answer !== null && 'callError' in answer) {
        replyOcpp(msg, {
          ok: false,
          code: String(answer.callError),
          description: 'refused by test',
          details: {},
        })
      } else replyOcpp(msg, { ok: true, payload: answer })
    },
  })
  return { calls, stop: () => sub.unsubscribe() }
}
