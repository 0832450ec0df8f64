import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Logger } from '@csms/telemetry'
import type { Kysely } from 'kysely'
import { acquireLease, releaseLease } from '../repo/lease-repo.js'
import type { SmartChargingDb } from '../repo/tables.js'

const LEASE = 'balancer'

/**
 * Exactly one replica balances: the one holding the lease, renewed every third of its TTL. A
 * replica that stops renewing (killed, cut off) loses it after the TTL and another takes over.
 */
export function runLeadership(deps: {
  db: Kysely<SmartChargingDb>
  ttlMs: number
  logger: Logger
  onLead(): Promise<void>
  onFollow(): Promise<void>
}): { stop(): Promise<void>; isLeader(): boolean; ready: Promise<void> } {
  const holder = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
  let leader = false
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let markReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => {
    markReady = resolve
  })
  let running: Promise<void> = Promise.resolve()

  const round = async () => {
    let ours = false
    try {
      ours = await acquireLease(deps.db, LEASE, holder, deps.ttlMs)
    } catch (error) {
      deps.logger.warn({ err: error }, 'balancer lease not renewed')
    }
    if (stopped) return
    if (ours && !leader) {
      leader = true
      deps.logger.info({ holder }, 'this replica balances')
      await deps.onLead()
    } else if (!ours && leader) {
      leader = false
      deps.logger.warn({ holder }, 'balancer lease lost')
      await deps.onFollow()
    }
  }
  const loop = () => {
    running = round()
      .catch((error) => deps.logger.error({ err: error }, 'leadership change failed'))
      .finally(() => {
        markReady()
        if (!stopped) timer = setTimeout(loop, Math.max(250, Math.floor(deps.ttlMs / 3)))
      })
  }
  loop()
  return {
    ready,
    isLeader: () => leader,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
      if (leader) {
        leader = false
        await deps.onFollow()
        await releaseLease(deps.db, LEASE, holder).catch(() => undefined)
      }
    },
  }
}
