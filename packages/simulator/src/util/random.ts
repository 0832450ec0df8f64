/** A seeded pseudo-random source (mulberry32): scenarios replay the same fleet from the same seed. */
export type Random = {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform in [min, max). */
  between(min: number, max: number): number
  /** Exponentially distributed with the given mean: gaps between arrivals of a Poisson process. */
  exponential(mean: number): number
  /** An integer in [0, n). */
  int(n: number): number
  /** Picks an index with probability proportional to its weight. */
  weighted(weights: readonly number[]): number
  /** A fresh generator derived from this one and a key, so stations do not share a sequence. */
  fork(key: number): Random
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const random: Random = {
    next,
    between: (min, max) => min + (max - min) * next(),
    exponential: (mean) => -Math.log(1 - next()) * mean,
    int: (n) => Math.floor(next() * n),
    weighted(weights) {
      const total = weights.reduce((a, b) => a + b, 0)
      let r = next() * total
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i] ?? 0
        if (r < 0) return i
      }
      return weights.length - 1
    },
    fork: (key) => createRandom(Math.imul(seed ^ 0x9e3779b9, 31) + Math.imul(key, 0x85ebca6b)),
  }
  return random
}
