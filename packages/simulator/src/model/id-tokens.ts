/** Token `n` of the pool: a 7-byte ISO 14443 UID in 14 hex digits (see PITFALLS: token formats). */
export function idTokenOf(prefix: string, n: number): string {
  return prefix + (n >>> 0).toString(16).toUpperCase().padStart(8, '0')
}
