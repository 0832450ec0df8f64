// Formats beyond the schema (PITFALLS.md): the OCPP schema only bounds an idToken's length, but
// some types have a shape. A token that cannot exist is answered `Invalid` without a lookup
// (not a CALLERROR: the message is schema-valid), and the API refuses to store one.
// Hex identifiers are stored upper-case; every idToken is compared case-insensitively (OCPP:
// "IdToken is case insensitive"; a 1.6 idTag is a CiString) by the repository.

export type IdTokenFormat = { ok: true; idToken: string } | { ok: false; reason: string }

const HEX = /^[0-9A-F]+$/
// ISO 15118-2 Annex H: country (2 letters), provider (3), instance (9), optional check digit;
// DIN SPEC 91286 (the EVCO ID roaming platforms use): country, provider, instance (6), check
// digit or X. Printed with optional '-' (or '*') separators, which are not part of the identifier.
const EMAID_ISO = /^[A-Z]{2}[-*]?[A-Z0-9]{3}[-*]?[A-Z0-9]{9}([-*]?[A-Z0-9])?$/
const EMAID_DIN = /^[A-Z]{2}[-*]?[A-Z0-9]{3}[-*]?[A-Z0-9]{6}[-*]?[0-9X]$/
const EMAID_SEPARATORS = /[-*]/g
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
      // Stored and compared without separators: the contract certificate's CN (what a station
      // sends for Plug & Charge) has none, the operator may have typed the printed form.
      const v = raw.toUpperCase()
      return EMAID_ISO.test(v) || EMAID_DIN.test(v)
        ? ok(v.replace(EMAID_SEPARATORS, ''))
        : bad('an eMAID is CC-PPP-IIIIIIIII(-D) per ISO 15118-2 or CC*PPP*IIIIII*D per DIN SPEC 91286')
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
  const bare = (s: string) => s.replace(EMAID_SEPARATORS, '').toUpperCase()
  return bare(a) === bare(b)
}
