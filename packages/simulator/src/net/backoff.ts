/**
 * Reconnection back-off as OCPP 2.0.1 describes it (RetryBackOffWaitMinimum,
 * RetryBackOffRandomRange, RetryBackOffRepeatTimes): the wait doubles after each failed
 * attempt up to `repeatTimes` doublings, plus a random share of `randomRangeMs` so that a
 * fleet that lost the CSMS together does not come back in lockstep.
 */
export type BackoffPolicy = {
  minWaitMs: number
  randomRangeMs: number
  repeatTimes: number
}

export const BACKOFF_DEFAULTS: BackoffPolicy = { minWaitMs: 1_000, randomRangeMs: 2_000, repeatTimes: 5 }

/** The wait before attempt `attempt` (0 = the first reconnection), given a uniform random in [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: number): number {
  const doublings = Math.min(Math.max(0, attempt), policy.repeatTimes)
  return policy.minWaitMs * 2 ** doublings + Math.floor(random * policy.randomRangeMs)
}

/**
 * The wait after an upgrade refused with Retry-After. The header is a floor, not an appointment:
 * stations refused together (a storm) that all came back in exactly that second would refuse
 * each other again, so the jitter of RetryBackOffRandomRange is added as to any back-off.
 */
export function retryAfterDelay(retryAfterS: number, randomRangeMs: number, random: number): number {
  return Math.max(0, retryAfterS) * 1_000 + Math.floor(random * randomRangeMs)
}

/** The smallest and largest wait `backoffDelay` can give for an attempt, for tests and docs. */
export function backoffBounds(policy: BackoffPolicy, attempt: number): { min: number; max: number } {
  const base = policy.minWaitMs * 2 ** Math.min(Math.max(0, attempt), policy.repeatTimes)
  return { min: base, max: base + Math.max(0, policy.randomRangeMs - 1) }
}
