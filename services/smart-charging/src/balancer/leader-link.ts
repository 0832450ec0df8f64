import { decodeJson, encodeJson, serviceSubject } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import type { EvNeeds } from './evse-electrical.js'

// One replica balances (it holds the lease); every replica answers stations and the API. What
// a replica learns that changes the balance goes to the balancer through this link: directly
// when this replica leads, otherwise as a NATS request that only the leader subscribes to.
// Without a leader the fact is already stored, and the next leader reads it at start.

export type BalancerPort = {
  onNeeds(
    stationId: string,
    evseId: number,
    needs: EvNeeds,
  ): Promise<{ balanced: boolean; feasible: boolean | undefined }>
  onExternalLimits(stationId: string): Promise<void>
  onSiteChanged(siteId: string, reason: string): Promise<void>
  onRulesChanged(): Promise<void>
  onPlacementChanged(stationId: string): Promise<void>
  installDefaults(siteId: string): Promise<void>
  /** An operator cleared some of the balancer's profiles on a station: put them back. */
  onProfilesCleared(stationId: string, txProfileEvses: number[]): Promise<void>
}

type Op = keyof BalancerPort
const OPS: readonly Op[] = [
  'onNeeds',
  'onExternalLimits',
  'onSiteChanged',
  'onRulesChanged',
  'onPlacementChanged',
  'installDefaults',
  'onProfilesCleared',
]
const subject = (op: Op) => serviceSubject('smart-charging', `leader.${op}`)

export type LeaderLink = BalancerPort & {
  /** This replica leads now: serve the leader subjects with `port`. */
  lead(port: BalancerPort): void
  /** Leadership lost: stop serving. */
  follow(): void
}

export function createLeaderLink(deps: {
  nc: NatsConnection
  logger: Logger
  timeoutMs?: number
}): LeaderLink {
  let local: BalancerPort | undefined
  let subs: Subscription[] = []

  async function remote<T>(op: Op, args: unknown[], fallback: T): Promise<T> {
    if (local) return (local[op] as (...a: unknown[]) => Promise<T>)(...args)
    try {
      const msg = await deps.nc.request(subject(op), encodeJson(args), { timeout: deps.timeoutMs ?? 5_000 })
      const body = decodeJson(msg.data) as { ok: boolean; value?: T }
      return body.ok ? (body.value as T) : fallback
    } catch (error) {
      deps.logger.warn({ err: error, op }, 'no balancer leader answered; the change waits in the database')
      return fallback
    }
  }

  return {
    onNeeds: (stationId, evseId, needs) =>
      remote('onNeeds', [stationId, evseId, needs], { balanced: false, feasible: undefined }),
    onExternalLimits: (stationId) => remote('onExternalLimits', [stationId], undefined),
    onSiteChanged: (siteId, reason) => remote('onSiteChanged', [siteId, reason], undefined),
    onRulesChanged: () => remote('onRulesChanged', [], undefined),
    onPlacementChanged: (stationId) => remote('onPlacementChanged', [stationId], undefined),
    installDefaults: (siteId) => remote('installDefaults', [siteId], undefined),
    onProfilesCleared: (stationId, evses) => remote('onProfilesCleared', [stationId, evses], undefined),

    lead(port) {
      local = port
      subs = OPS.map((op) =>
        deps.nc.subscribe(subject(op), {
          callback: (err, msg) => {
            if (err) return
            const args = decodeJson(msg.data) as unknown[]
            void (port[op] as (...a: unknown[]) => Promise<unknown>)(...args).then(
              (value) => msg.respond(encodeJson({ ok: true, value })),
              (error: unknown) => {
                deps.logger.error({ err: error, op }, 'leader operation failed')
                msg.respond(encodeJson({ ok: false }))
              },
            )
          },
        }),
      )
    },

    follow() {
      local = undefined
      for (const s of subs) s.unsubscribe()
      subs = []
    },
  }
}
