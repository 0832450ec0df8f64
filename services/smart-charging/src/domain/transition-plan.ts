// Profiles take time to reach stations. While they travel, a station may still be at its old
// limit or already at its new one, so at every instant an EVSE can draw up to the larger of the
// two. Sending every decrease first, and the increases only once all decreases are
// acknowledged, keeps the sum under each limit throughout: during the first phase the sum is
// at most the old allocation, during the second at most the new one.

export type EvseTarget = {
  key: string
  /** The most the station may draw now: its acknowledged limit, or what it could draw unprofiled. */
  boundW: number
  targetW: number
}

export type Change = { key: string; fromW: number; toW: number }

export type TransitionPlan = {
  lower: Change[]
  raise: Change[]
}

/**
 * Decreases always go out (safety first); an increase only when it is worth a message
 * (`minRaiseW`), since staying lower than allowed is always safe.
 */
export function planTransition(targets: readonly EvseTarget[], opts: { minRaiseW: number }): TransitionPlan {
  const lower: Change[] = []
  const raise: Change[] = []
  for (const t of targets) {
    if (t.targetW < t.boundW - 1e-6) lower.push({ key: t.key, fromW: t.boundW, toW: t.targetW })
    else if (t.targetW - t.boundW >= opts.minRaiseW)
      raise.push({ key: t.key, fromW: t.boundW, toW: t.targetW })
  }
  // Biggest cuts first: they free the most capacity if the sending is slow.
  lower.sort((a, b) => b.fromW - b.toW - (a.fromW - a.toW))
  return { lower, raise }
}
