import * as asn1js from 'asn1js'
import { pkijs } from './engine.js'

export const OID = {
  CN: '2.5.4.3',
  C: '2.5.4.6',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  DC: '0.9.2342.19200300.100.1.25',
} as const

/** The first value of an attribute (CN, O, …) in a name, as text. */
export function nameAttribute(name: pkijs.RelativeDistinguishedNames, oid: string): string | undefined {
  const tv = name.typesAndValues.find((t) => t.type === oid)
  const value = tv?.value as { valueBlock?: { value?: unknown } } | undefined
  return typeof value?.valueBlock?.value === 'string' ? value.valueBlock.value : undefined
}

/**
 * A distinguished name with one attribute per RDN, in the given order, built through PKI.js's
 * schema objects (PKI.js alone would put every attribute into one multi-valued RDN).
 */
export function distinguishedName(
  attributes: Array<[keyof typeof OID, string]>,
): pkijs.RelativeDistinguishedNames {
  const sequence = new asn1js.Sequence({
    value: attributes.map(
      ([k, v]) =>
        new asn1js.Set({
          value: [
            new pkijs.AttributeTypeAndValue({
              type: OID[k],
              value:
                k === 'C' ? new asn1js.PrintableString({ value: v }) : new asn1js.Utf8String({ value: v }),
            }).toSchema(),
          ],
        }),
    ),
  })
  return pkijs.RelativeDistinguishedNames.fromBER(sequence.toBER(false))
}
