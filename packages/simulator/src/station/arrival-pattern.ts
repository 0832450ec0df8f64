/**
 * How the arrival rate varies over a run: `steady` keeps it, `peak` follows an evening peak,
 * rising from the base rate to three times it in the middle of the run and back.
 */
export const PEAK_FACTOR = 3

export function arrivalFactor(pattern: 'steady' | 'peak', progress: number): number {
  if (pattern === 'steady') return 1
  const p = Math.min(1, Math.max(0, progress))
  return 1 + (PEAK_FACTOR - 1) * Math.sin(Math.PI * p)
}

/** The largest factor a pattern reaches, for thinning a Poisson process drawn at that rate. */
export function maxArrivalFactor(pattern: 'steady' | 'peak'): number {
  return pattern === 'steady' ? 1 : PEAK_FACTOR
}
