import { type JsonSchema, refName } from '../../codegen/json-schema.js'

/**
 * The deterministic half of the equivalence proof. Random mutations reach a given limit only by
 * luck (30 samples missed an idTag allowed 21 characters instead of 20, and an integer read as a
 * number); this walks a valid payload together with its JSON schema and, at every node, puts the
 * values on both sides of each constraint that node's schema declares: a string of exactly
 * maxLength characters and one more (ASCII and astral), every enum value and near misses of one,
 * the minimum and maximum and one step past them, a fraction where an integer belongs, multiples
 * and near-multiples of a step, minItems and maxItems items and one fewer or more, a missing or an
 * extra property, and date-times and URIs that only just break RFC 3339 or RFC 3986.
 *
 * `payload` (already through JSON) is changed in place, handed to `check` whole, and put back, so
 * that large 2.1 payloads are not copied once per probe; `check` must not keep it.
 */
export function probeBoundaries(
  payload: unknown,
  schema: JsonSchema,
  root: JsonSchema,
  check: (payload: unknown, probe: string) => void,
): void {
  const resolve = (s: JsonSchema | undefined): JsonSchema | undefined =>
    s?.$ref === undefined ? s : resolve(root.definitions?.[refName(s.$ref)])
  const visit = (
    raw: JsonSchema | undefined,
    value: unknown,
    parent: Container | undefined,
    key: Key,
    path: string,
  ) => {
    const s = resolve(raw)
    // A vendor's own property inside customData: the schema says nothing about it, so nothing to probe.
    if (!s) return
    for (const variant of variantsOf(s, value)) {
      const probe = `${path || '/'} = ${JSON.stringify(variant)?.slice(0, 80)}`
      if (!parent) {
        check(variant, probe)
        continue
      }
      set(parent, key, variant)
      check(payload, probe)
    }
    if (parent) {
      const undo = remove(parent, key, value)
      check(payload, `${path} removed`)
      undo()
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(s.items, value[i], value, i, `${path}/${i}`)
    } else if (isObject(value)) {
      for (const [name, child] of Object.entries(value)) {
        const childSchema = s.properties && Object.hasOwn(s.properties, name) ? s.properties[name] : undefined
        visit(childSchema, child, value, name, `${path}/${name}`)
      }
    }
  }
  visit(schema, payload, undefined, '', '')
}

type Container = unknown[] | Record<string, unknown>
type Key = string | number

function set(parent: Container, key: Key, value: unknown): void {
  if (Array.isArray(parent)) parent[key as number] = value
  else Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true })
}

/**
 * Removes one property or array item (the items after it move up, as JSON arrays have no holes)
 * and returns how to put it back where it was, key order included.
 */
function remove(parent: Container, key: Key, value: unknown): () => void {
  if (Array.isArray(parent)) {
    parent.splice(key as number, 1)
    return () => parent.splice(key as number, 0, value)
  }
  const entries = Object.entries(parent)
  delete parent[key]
  return () => {
    for (const [name] of entries) delete parent[name]
    for (const [name, v] of entries) set(parent, name, name === key ? value : v)
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

const EMOJI = '\u{1F600}'

/** RFC 3339 date-times on either side of what ajv-formats (full) accepts. */
const DATE_TIMES = [
  '2024-05-01T12:00:00.123456789+02:00',
  '2024-05-01t12:00:00z',
  '2024-05-01 12:00:00Z',
  '2024-05-01T12:00:00',
  '2024-05-01T12:00:00+0100',
  '2024-05-01T12:00:00+01',
  '2024-05-01T12:00Z',
  '2024-02-29T12:00:00Z',
  '2023-02-29T12:00:00Z',
  '2024-04-31T12:00:00Z',
  '2024-05-01T24:00:00Z',
  '2016-12-31T23:59:60Z',
  '2016-12-31T23:59:60+01:00',
  '2024-05-01T12:00:00.Z',
  '2024-5-1T12:00:00Z',
]

/** URIs on either side of RFC 3986 as ajv-formats reads it. */
const URIS = [
  'https://example.com/fw/1.2.bin?x=1#y',
  'ftp://user@host:21/path',
  'urn:isbn:0451450523',
  'http://[::1]:8080/',
  'a:b',
  'example.com/fw.bin',
  '/relative/path',
  '//host/path',
  'http://exa mple.com/',
  'http://host/%zz',
  '1http://host/',
]

/** Values on both sides of every constraint `s` declares, and two of a wrong JSON type. */
function variantsOf(s: JsonSchema, value: unknown): unknown[] {
  const out: unknown[] = [null, typeof value === 'string' ? 0 : '']
  if (s.maxLength !== undefined) {
    const n = s.maxLength
    out.push('a'.repeat(n), 'a'.repeat(n + 1), EMOJI.repeat(n), EMOJI.repeat(n + 1), `${'a'.repeat(n)}é`)
  }
  if (s.enum && s.enum.length > 0) {
    const first = s.enum[0] as string
    out.push(...s.enum, `${first}x`, first.slice(0, -1), first.toLowerCase(), first.toUpperCase(), '')
  }
  if (s.format === 'date-time') out.push(...DATE_TIMES)
  if (s.format === 'uri') out.push(...URIS)
  if (s.type === 'integer' || s.type === 'number') {
    const n = typeof value === 'number' ? value : 0
    out.push(n + 0.5, n + 1e-7, -n, 1e20, 2 ** 53 + 2, String(n))
    if (s.minimum !== undefined) out.push(s.minimum, s.minimum - 1, s.minimum - 0.5)
    if (s.maximum !== undefined) out.push(s.maximum, s.maximum + 1, s.maximum + 0.5)
    if (s.multipleOf !== undefined) {
      const step = s.multipleOf
      out.push(step * 3, step * 3 + step / 2, step * 7 + 1e-9, step * 7 + 1e-5, -step * 11)
    }
  }
  if (s.type === 'boolean') out.push(!value, 1)
  if (s.type === 'array' && Array.isArray(value)) {
    const item: unknown = value[0] ?? null
    const min = s.minItems ?? 0
    const sizes = [min - 1, min + 1]
    if (s.maxItems !== undefined) sizes.push(s.maxItems, s.maxItems + 1)
    // The same item object repeated: validators read it as often as there are places.
    for (const size of sizes) if (size >= 0) out.push(Array.from({ length: size }, () => item))
  }
  if (isObject(value)) out.push({ ...value, extraProperty: 1 })
  return out
}
