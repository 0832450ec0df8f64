/**
 * The JSON Schema `uri` format (OCPP 1.6 uses it for firmware and diagnostics locations).
 *
 * RFC 3986 `URI`, built from its ABNF, with the same relaxations ajv-formats (full mode) makes so
 * that both accept the same strings: matching ignores case, an authority may follow one slash,
 * IPv4 octets may carry leading zeros, and a URI must have a non-empty hierarchical part.
 */
const HEX = '[0-9a-f]'
const PCT = `%${HEX}{2}`
const UNRESERVED_SUB = "a-z0-9\\-._~!$&'()*+,;="
const PCHAR = `(?:[${UNRESERVED_SUB}:@]|${PCT})`
const SEGMENT = `${PCHAR}*`
const SEGMENT_NZ = `${PCHAR}+`
const DEC_OCTET = '(?:25[0-5]|2[0-4]\\d|[01]?\\d\\d?)'
const IPV4 = `(?:${DEC_OCTET}\\.){3}${DEC_OCTET}`
const H16 = `${HEX}{1,4}`
const LS32 = `(?:${H16}:${H16}|${IPV4})`
const IPV6 = `(?:(?:${[
  `(?:${H16}:){6}`,
  `::(?:${H16}:){5}`,
  `(?:${H16})?::(?:${H16}:){4}`,
  `(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3}`,
  `(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}`,
  `(?:(?:${H16}:){0,3}${H16})?::${H16}:`,
  `(?:(?:${H16}:){0,4}${H16})?::`,
].join('|')})${LS32}|(?:(?:${H16}:){0,5}${H16})?::${H16}|(?:(?:${H16}:){0,6}${H16})?::)`
const IP_FUTURE = `[Vv]${HEX}+\\.[${UNRESERVED_SUB}:]+`
const REG_NAME = `(?:[${UNRESERVED_SUB}]|${PCT})*`
const HOST = `(?:\\[(?:${IPV6}|${IP_FUTURE})\\]|${IPV4}|${REG_NAME})`
const USERINFO = `(?:(?:[${UNRESERVED_SUB}:]|${PCT})*@)?`
const AUTHORITY_PATH = `\\/?\\/${USERINFO}${HOST}(?::\\d*)?(?:\\/${SEGMENT})*`
const PATH_ABSOLUTE = `\\/(?:${SEGMENT_NZ}(?:\\/${SEGMENT})*)?`
const PATH_ROOTLESS = `${SEGMENT_NZ}(?:\\/${SEGMENT})*`
const QUERY_OR_FRAGMENT = `(?:[${UNRESERVED_SUB}:@/?]|${PCT})*`

const URI = new RegExp(
  `^[a-z][a-z0-9+\\-.]*:(?:${AUTHORITY_PATH}|${PATH_ABSOLUTE}|${PATH_ROOTLESS})` +
    `(?:\\?${QUERY_OR_FRAGMENT})?(?:#${QUERY_OR_FRAGMENT})?$`,
  'i',
)

export function isUri(s: string): boolean {
  return URI.test(s)
}
