// Formats beyond the schema (PITFALLS.md): the OCPP schema only bounds an idToken's length, but
// some types have a shape. A token that cannot exist is answered `Invalid` without a lookup
// (not a CALLERROR: the message is schema-valid), and the API refuses to store one.
// Hex identifiers are compared case-insensitively: stored and looked up upper-case.

export type IdTokenFormat = { ok: true; idToken: string } | { ok: false; reason: string }

const HEX = /^[0-9A-F]+$/
// ISO 15118-2 Annex H: country (2 letters), provider (3), instance (9), optional check digit,
// with optional '-' separators as printed on contracts.
const EMAID = /^[A-Z]{2}-?[A-Z0-9]{3}-?[A-Z0-9]{9}(-?[A-Z0-9])?$/
// EUI-48 or EUI-64, bare or with ':' / '-' separators.
const MAC = /^[0-9A-F]{2}([:-]?[0-9A-F]{2}){5}(([:-]?[0-9A-F]{2}){2})?$/

const ok = (idToken: string): IdTokenFormat => ({ ok: true, idToken })
const bad = (reason: string): IdTokenFormat => ({ ok: false, reason })

export function checkIdTokenFormat(type: string, raw: string): IdTokenFormat {
  switch (type) {
    case 'ISO14443': {
      // A 4- or 7-byte UID (OCPP 2.0.1 IdTokenEnumType); 10-byte UIDs are not allowed there.
      const v = raw.toUpperCase()
      return HEX.test(v) && (v.length === 8 || v.length === 14)
        ? ok(v)
        : bad('an ISO14443 UID is 4 or 7 bytes: 8 or 14 hex digits')
    }
    case 'ISO15693': {
      const v = raw.toUpperCase()
      return HEX.test(v) && v.length === 16 ? ok(v) : bad('an ISO15693 UID is 8 bytes: 16 hex digits')
    }
    case 'eMAID': {
      const v = raw.toUpperCase()
      return EMAID.test(v) ? ok(v) : bad('an eMAID is CC-PPP-IIIIIIIII(-D) per ISO 15118-2')
    }
    case 'MacAddress': {
      const v = raw.toUpperCase()
      return MAC.test(v) ? ok(v) : bad('a MAC address is 6 or 8 bytes in hex')
    }
    case 'NoAuthorization':
      return ok(raw)
    default:
      return raw.length > 0 ? ok(raw) : bad('an idToken of this type may not be empty')
  }
}

/** eMAIDs compare without separators: a contract certificate's CN may omit the dashes. */
export function sameEmaid(a: string, b: string): boolean {
  const bare = (s: string) => s.replace(/-/g, '').toUpperCase()
  return bare(a) === bare(b)
}
