import { setTimeout as delay } from 'node:timers/promises'

/**
 * Keeps the balancer's profiles on a station in line with where the station is: its
 * TxDefaultProfile while it is in a balanced site, none of its profiles once it is in none.
 * One settlement per station at a time, in order, so a quick move out and back in cannot
 * interleave a clear with an install.
 */
export function createStationSettler(deps: {
  /** undefined: device management cannot say now; the next connection or placement decides. */
  isBalanced(stationId: string): Promise<boolean | undefined>
  install(stationId: string): Promise<void>
  remove(stationId: string, sentTo: readonly number[]): Promise<unknown>
  /** Resolves when no recomputation of the site runs. */
  idle(siteId: string): Promise<void>
  /** How long a TxProfile sent to a station can stay unanswered. */
  timeoutMs: number
}) {
  const tails = new Map<string, Promise<void>>()
  /** A settlement not started yet: a later request joins it instead of queueing another. */
  const waiting = new Map<string, { done: Promise<void>; sentTo: Set<number> }>()

  async function run(stationId: string, sentTo: readonly number[]): Promise<void> {
    const balanced = await deps.isBalanced(stationId)
    if (balanced === true) await deps.install(stationId)
    else if (balanced === false) await deps.remove(stationId, sentTo)
  }

  /** `sentTo`: EVSEs the balancer sent a TxProfile that may not be stored yet. */
  function settle(stationId: string, sentTo: readonly number[] = []): Promise<void> {
    const joined = waiting.get(stationId)
    if (joined) {
      for (const id of sentTo) joined.sentTo.add(id)
      return joined.done
    }
    const entry = { done: Promise.resolve(), sentTo: new Set(sentTo) }
    const before = tails.get(stationId) ?? Promise.resolve()
    entry.done = before.then(() => {
      waiting.delete(stationId)
      return run(stationId, [...entry.sentTo])
    })
    waiting.set(stationId, entry)
    const tail = entry.done.catch(() => undefined)
    tails.set(stationId, tail)
    void tail.then(() => {
      if (tails.get(stationId) === tail) tails.delete(stationId)
    })
    return entry.done
  }

  return {
    settle,

    /**
     * A station changed place. The recomputations of the sites it left finish first (at most
     * a profile timeout: no TxProfile of theirs is sent to it after that), so none lands after
     * a clear; its answers do not wait for the station.
     */
    async afterMove(stationId: string, leftSites: readonly string[], sentTo: readonly number[]) {
      const cycles = Promise.all(leftSites.map((id) => deps.idle(id)))
      await Promise.race([cycles, delay(deps.timeoutMs, undefined, { ref: false })])
      await settle(stationId, sentTo)
    },
  }
}
