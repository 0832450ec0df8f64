import fc from 'fast-check'
import { type JsonSchema, refName } from '../../codegen/json-schema.js'
import { validDateTime, validUri } from './format-arbitraries.js'

/** Mostly ASCII, sometimes a two-unit emoji, an accent, a lone surrogate or a character JSON escapes. */
const stringUnit = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('é', '😀', '𝄞', '\ud83d', '\u0000', '"', '\\', '\u2028') },
)

function stringOf(maxLength: number | undefined): fc.Arbitrary<string> {
  const max = Math.min(maxLength ?? 30, 40)
  const atLimit = fc.string({ unit: stringUnit, minLength: max, maxLength: max })
  const any = fc.string({ unit: stringUnit, maxLength: max })
  return maxLength === undefined
    ? any
    : fc.oneof({ weight: 4, arbitrary: any }, { weight: 1, arbitrary: atLimit })
}

function integerOf(s: JsonSchema): fc.Arbitrary<number> {
  const min = s.minimum ?? -(2 ** 31)
  const max = s.maximum ?? 2 ** 31 - 1
  const specials = [0, 1, -1, 2 ** 53, -(2 ** 53), 1e20, -1e21].filter((n) => n >= min && n <= max)
  const ints = fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
  return specials.length === 0
    ? ints
    : fc.oneof({ weight: 6, arbitrary: ints }, { weight: 1, arbitrary: fc.constantFrom(...specials) })
}

function numberOf(s: JsonSchema): fc.Arbitrary<number> {
  if (s.multipleOf !== undefined) {
    const step = s.multipleOf
    return fc.integer({ min: -1_000_000, max: 1_000_000 }).map((i) => i * step)
  }
  const doubles = fc.double({
    min: s.minimum ?? -1e12,
    max: s.maximum ?? 1e12,
    noNaN: true,
    noDefaultInfinity: true,
  })
  return fc.oneof(doubles, integerOf(s))
}

/**
 * Payloads valid against a schema, built keyword by keyword from the JSON Schema itself (not from
 * the zod schemas under test). Arrays get at most one item more than their minimum: nested four deep, that keeps the largest 2.1 payloads to kilobytes.
 */
export function validArbitrary(
  schema: JsonSchema,
  root: JsonSchema,
  options: ArbitraryOptions = {},
): fc.Arbitrary<unknown> {
  return rawArbitrary(schema, root, options).map(roundTrip)
}

/**
 * `allProperties`: every optional property present too, and arrays of one item (or minItems), so
 * that every constraint of the schema has a node to probe in a payload of a few kilobytes.
 */
export type ArbitraryOptions = { allProperties?: boolean }

/** The same before its trip through JSON, for callers that transform it first. */
export function rawArbitrary(
  schema: JsonSchema,
  root: JsonSchema,
  options: ArbitraryOptions = {},
): fc.Arbitrary<unknown> {
  const memo = new Map<JsonSchema, fc.Arbitrary<unknown>>()
  const of = (s: JsonSchema): fc.Arbitrary<unknown> => {
    const known = memo.get(s)
    if (known) return known
    const made = build(s)
    memo.set(s, made)
    return made
  }
  const build = (s: JsonSchema): fc.Arbitrary<unknown> => {
    if (s.$ref !== undefined) return of(root.definitions?.[refName(s.$ref)] as JsonSchema)
    switch (s.type) {
      case 'object': {
        const model: Record<string, fc.Arbitrary<unknown>> = {}
        for (const [name, child] of Object.entries(s.properties ?? {})) model[name] = of(child)
        const record = options.allProperties
          ? fc.record(model)
          : fc.record(model, { requiredKeys: s.required ?? [] })
        if (s.additionalProperties === false) return record
        const extra = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), {
          maxKeys: 3,
        })
        return fc.tuple(record, extra).map(([known, more]) => withExtraKeys(known, more, s))
      }
      case 'string':
        if (s.enum) return fc.constantFrom(...s.enum)
        if (s.format === 'date-time') return validDateTime
        if (s.format === 'uri') return validUri
        return stringOf(s.maxLength)
      case 'integer':
        return integerOf(s)
      case 'number':
        return numberOf(s)
      case 'boolean':
        return fc.boolean()
      case 'array': {
        const minItems = s.minItems ?? 0
        // With every property present, one item is enough to hold every constraint, and stays small.
        const minLength = options.allProperties ? Math.max(minItems, 1) : minItems
        const maxLength = options.allProperties
          ? minLength
          : Math.min(s.maxItems ?? minItems + 1, minItems + 1)
        return fc.array(of(s.items as JsonSchema), { minLength, maxLength })
      }
      default:
        return fc.jsonValue({ maxDepth: 2 })
    }
  }
  return of(schema)
}

/** Extra properties for an open object (customData), as own properties even when named `__proto__`. */
function withExtraKeys(known: unknown, more: Record<string, unknown>, s: JsonSchema): unknown {
  const out = { ...(known as Record<string, unknown>) }
  for (const [name, value] of Object.entries(more)) {
    if (s.properties && Object.hasOwn(s.properties, name)) continue
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true })
  }
  return out
}

/** What the gateway sees: the payload after a trip through JSON (-0 becomes 0, `__proto__` an own key). */
export function roundTrip(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value))
}
