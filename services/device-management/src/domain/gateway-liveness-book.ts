// Which gateway pods count as dead: pure bookkeeping of their beacons, no I/O. A pod whose
// beacon is overdue is dead; but only when this process could have heard it. While its own
// NATS link is down, or when its event loop stalled (beacons may sit unread in the socket),
// silence proves nothing, and stations marked offline wrongly would stay so until they
// reconnect, which a station whose socket never dropped does not do.

export type LivenessBook = ReturnType<typeof createLivenessBook>

export function createLivenessBook(opts: {
  /** TTL for pods not heard since `start` (or since the link came back). */
  defaultTtlMs: number
  /** How often `sweep` is called; a call much later than that means the loop stalled. */
  sweepMs: number
  now: number
}) {
  const beacons = new Map<string, { deadline: number; ttlMs: number }>()
  // Pods nobody heard are judged only once a whole default TTL was listened to.
  let listenedSince = opts.now
  let lastSweepAt = opts.now
  let linkDown = false

  return {
    beat(gatewayId: string, ttlMs: number, now: number): void {
      beacons.set(gatewayId, { deadline: now + ttlMs, ttlMs })
    },

    /** This process's NATS link dropped: beacons cannot arrive, nothing is judged. */
    linkLost(): void {
      linkDown = true
    },

    /** The link is back: every pod gets a fresh TTL to be heard again. */
    linkRestored(now: number): void {
      linkDown = false
      listenedSince = now
      for (const beacon of beacons.values()) beacon.deadline = Math.max(beacon.deadline, now + beacon.ttlMs)
    },

    /**
     * The pods found dead now (each reported once), and whether pods never heard may be judged
     * dead too (those with stations but no beacon).
     */
    sweep(now: number): { lost: string[]; judgeUnheard: boolean } {
      const stalled = now - lastSweepAt > 2 * opts.sweepMs
      lastSweepAt = now
      if (linkDown || stalled) return { lost: [], judgeUnheard: false }
      const lost: string[] = []
      for (const [gatewayId, beacon] of beacons) {
        if (beacon.deadline > now) continue
        beacons.delete(gatewayId)
        lost.push(gatewayId)
      }
      return { lost, judgeUnheard: now - listenedSince >= opts.defaultTtlMs }
    },

    isHeard(gatewayId: string): boolean {
      return beacons.has(gatewayId)
    },
  }
}
