/**
 * JSON Schema `maxLength` counts Unicode code points (RFC 8259 characters), not UTF-16 code
 * units as `String.prototype.length` does: an emoji is one character of an OCPP CiString.
 */
export function codePointLength(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--
        i++
      }
    }
  }
  return n
}

/** The cheap test first: a string is never longer in code points than in code units. */
export function fitsMaxLength(s: string, maxLength: number): boolean {
  return s.length <= maxLength || codePointLength(s) <= maxLength
}
