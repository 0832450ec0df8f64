import type { EvseAllocation } from '../domain/allocate.js'
import type { Change } from '../domain/transition-plan.js'
import {
  type EvseState,
  nextWake,
  type PlanOptions,
  planSite,
  type SiteModel,
  type SitePlan,
} from './site-model.js'

export type SendOutcome = 'accepted' | 'rejected' | 'failed'

/** One TxProfile to send: the EVSE's new limit (A per phase for AC, W for DC). */
export type ProfileSend = { evse: EvseState; toW: number; amps: number | undefined }

export type AppliedChange = {
  evse: EvseState
  fromW: number
  toW: number
  amps: number | undefined
  outcome: SendOutcome
}

export type CycleReport = {
  siteId: string
  reason: string
  startedAt: number
  durationMs: number
  changes: AppliedChange[]
  plan: SitePlan
}

export type RebalancerOptions = PlanOptions & {
  /** A station that did not take a profile is held at its old limit this long, then retried. */
  retryMs: number
  /** Profiles in flight at once per site. */
  concurrency: number
}

export type RebalancerDeps = {
  now(): number
  send(s: ProfileSend): Promise<SendOutcome>
  options: RebalancerOptions
  onCycle?(report: CycleReport): Promise<void> | void
  onError?(error: unknown, siteId: string): void
  /**
   * Asks to be woken at `at` (a limit about to change, a charging window, a retry), replacing the
   * site's previous wake-up; undefined cancels it.
   */
  wakeAt?(siteId: string, at: number | undefined, wake: () => void): void
}

type Entry = { running: Promise<void> | undefined; dirty: boolean; reasons: Set<string> }

/**
 * Runs recomputations, one at a time per site: a trigger while one runs makes it run again
 * once done. A cycle allocates, sends every decrease and waits for their answers, allocates
 * again (a station that refused is held at its old limit), and only then sends the increases.
 */
export class Rebalancer {
  readonly #deps: RebalancerDeps
  readonly #sites = new Map<string, Entry>()

  constructor(deps: RebalancerDeps) {
    this.#deps = deps
  }

  trigger(model: SiteModel, reason: string): void {
    let entry = this.#sites.get(model.siteId)
    if (!entry) {
      entry = { running: undefined, dirty: false, reasons: new Set() }
      this.#sites.set(model.siteId, entry)
    }
    entry.reasons.add(reason)
    if (entry.running) {
      entry.dirty = true
      return
    }
    const e = entry
    e.dirty = true
    e.running = Promise.resolve()
      .then(() => this.#run(model, e))
      .catch((error) => this.#deps.onError?.(error, model.siteId))
      .finally(() => {
        e.running = undefined
      })
  }

  /** Resolves when no cycle runs for the site (or any site). */
  async idle(siteId?: string): Promise<void> {
    for (;;) {
      const running = [...this.#sites.entries()]
        .filter(([id, e]) => (siteId === undefined || id === siteId) && e.running)
        .map(([, e]) => e.running)
      if (running.length === 0) return
      await Promise.all(running)
    }
  }

  busy(siteId: string): boolean {
    return this.#sites.get(siteId)?.running !== undefined
  }

  async #run(model: SiteModel, entry: Entry): Promise<void> {
    while (entry.dirty) {
      entry.dirty = false
      const reason = [...entry.reasons].join(',')
      entry.reasons.clear()
      await this.#cycle(model, reason)
    }
    this.#deps.wakeAt?.(model.siteId, nextWake(model, this.#deps.now(), this.#deps.options), () =>
      this.trigger(model, 'timer'),
    )
  }

  async #cycle(model: SiteModel, reason: string): Promise<void> {
    const { now, options } = this.#deps
    const startedAt = now()
    const changes: AppliedChange[] = []
    let planned: SitePlan | undefined
    for (let round = 0; round < 6; round++) {
      planned = planSite(model, now(), options)
      for (const [key, a] of planned.allocations) {
        const e = model.evses.get(key)
        if (e) e.allocation = a
      }
      if (planned.plan.lower.length > 0) {
        changes.push(...(await this.#execute(model, planned.plan.lower, planned.allocations)))
        continue
      }
      changes.push(...(await this.#execute(model, planned.plan.raise, planned.allocations)))
      break
    }
    if (planned) {
      await this.#deps.onCycle?.({
        siteId: model.siteId,
        reason,
        startedAt,
        durationMs: now() - startedAt,
        changes,
        plan: planned,
      })
    }
  }

  async #execute(
    model: SiteModel,
    list: readonly Change[],
    allocations: Map<string, EvseAllocation>,
  ): Promise<AppliedChange[]> {
    const { send, now, options } = this.#deps
    const out: AppliedChange[] = []
    await forEachLimited(list, options.concurrency, async (c) => {
      const e = model.evses.get(c.key)
      if (!e) return
      const amps = allocations.get(c.key)?.amps
      // In flight the station may already apply the new limit or still the old one.
      e.boundW = Math.max(c.fromW, c.toW)
      e.profile = 'pending'
      const outcome = await send({ evse: e, toW: c.toW, amps })
      if (model.evses.get(c.key) !== e) return
      out.push({ evse: e, fromW: c.fromW, toW: c.toW, amps, outcome })
      if (outcome === 'accepted') {
        e.boundW = c.toW
        e.appliedW = c.toW
        e.appliedA = amps ?? null
        e.profile = 'accepted'
        e.pinnedUntil = undefined
        return
      }
      // Refused: the old limit holds. No answer: either may hold, so the higher one counts.
      e.boundW = outcome === 'rejected' ? c.fromW : Math.max(c.fromW, c.toW)
      e.profile = 'failed'
      e.pinnedUntil = now() + options.retryMs
    })
    return out
  }
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T
      await fn(item)
    }
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker))
}
