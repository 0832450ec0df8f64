// Discrete-event time for simulations: callbacks run in time order, and after each one the
// promise continuations it released run too (a setImmediate drains every microtask), so
// async code under test (the rebalancer awaiting its sends) advances on virtual time.

type Entry = { at: number; seq: number; fn: () => void }

export class VirtualClock {
  now: number
  #seq = 0
  #heap: Entry[] = []

  constructor(start: number) {
    this.now = start
  }

  at(time: number, fn: () => void): void {
    this.#push({ at: Math.max(time, this.now), seq: this.#seq++, fn })
  }

  after(ms: number, fn: () => void): void {
    this.at(this.now + ms, fn)
  }

  /** A promise resolved `ms` from now, in virtual time. */
  delay<T>(ms: number, value: T): Promise<T> {
    return new Promise((resolve) => this.after(ms, () => resolve(value)))
  }

  async runUntil(end: number, afterEach?: () => void): Promise<void> {
    for (;;) {
      const next = this.#heap[0]
      if (!next || next.at > end) break
      this.#pop()
      this.now = next.at
      next.fn()
      await new Promise<void>((resolve) => setImmediate(resolve))
      afterEach?.()
    }
    this.now = end
  }

  #push(e: Entry): void {
    const h = this.#heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (less(h[p] as Entry, e)) break
      h[i] = h[p] as Entry
      i = p
    }
    h[i] = e
  }

  #pop(): void {
    const h = this.#heap
    const last = h.pop() as Entry
    if (h.length === 0) return
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= h.length) break
      const r = l + 1
      const c = r < h.length && less(h[r] as Entry, h[l] as Entry) ? r : l
      if (less(last, h[c] as Entry)) break
      h[i] = h[c] as Entry
      i = c
    }
    h[i] = last
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}
