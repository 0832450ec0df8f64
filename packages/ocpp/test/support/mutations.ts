import fc from 'fast-check'
import { nearDateTime, nearUri } from './format-arbitraries.js'
import { roundTrip } from './schema-arbitrary.js'

type Path = (string | number)[]

/** Every node of a JSON value with the path to it, the root first. */
function nodes(value: unknown, path: Path = [], out: { path: Path; value: unknown }[] = []) {
  out.push({ path, value })
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) nodes(value[i], [...path, i], out)
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) nodes(v, [...path, k], out)
  }
  return out
}

function replaceAt(root: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement
  const copy = structuredClone(root) as Record<string | number, unknown>
  let parent: Record<string | number, unknown> = copy
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>
  const last = path[path.length - 1] as string | number
  if (replacement === REMOVE) {
    if (Array.isArray(parent)) parent.splice(last as number, 1)
    else delete parent[last]
  } else parent[last] = replacement
  return copy
}

const REMOVE = Symbol('remove')
const anyJson = fc.jsonValue({ maxDepth: 1 })
const astral = fc.string({ unit: fc.constantFrom('😀', '𝄞', 'é', 'a'), minLength: 1, maxLength: 40 })

/** Ways to break (or, by chance, keep) a node, chosen by what the node is. */
function mutationsOf(value: unknown, isRoot: boolean): fc.Arbitrary<unknown>[] {
  const common: fc.Arbitrary<unknown>[] = [anyJson, fc.constant(null), fc.constant([]), fc.constant({})]
  if (!isRoot) common.push(fc.constant(REMOVE))
  if (typeof value === 'string') {
    common.push(
      fc.string({ maxLength: 3 }).map((s) => value + s),
      fc.integer({ min: 1, max: 3 }).map((n) => value + '😀'.repeat(n)),
      fc.constant(value + 'x'.repeat(Math.max(1, 256 - value.length))),
      astral,
      nearDateTime,
      nearUri,
      fc.constant(value.toLowerCase()),
      fc.constant(value.slice(1)),
    )
  } else if (typeof value === 'number') {
    common.push(
      fc.constantFrom(
        value + 0.5,
        value - 1,
        value + 1,
        -value,
        value * 1e21,
        value + 1e-7,
        value + 0.05,
        1e300,
        Number.MAX_VALUE,
        -Number.MAX_VALUE,
        Number.MIN_VALUE,
        2 ** 53 + 2,
      ),
      fc.constant(String(value)),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    )
  } else if (typeof value === 'boolean') {
    common.push(fc.constantFrom(String(value), value ? 1 : 0))
  } else if (Array.isArray(value)) {
    common.push(
      fc
        .integer({ min: 2, max: 12 })
        .map((n) =>
          Array.from(
            { length: n * Math.max(1, value.length) },
            (_, i) => value[i % Math.max(1, value.length)] ?? null,
          ),
        ),
      anyJson.map((extra) => [...value, extra]),
    )
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
    common.push(
      fc.tuple(fc.string({ maxLength: 12 }), anyJson).map(([k, v]) => withKey(value, k, v)),
      fc
        .constantFrom('customData', 'vendorId', '__proto__', 'constructor', 'toString', 'CustomData')
        .map((k) => withKey(value, k, 'x')),
    )
    if (keys.length > 0)
      common.push(
        fc.constantFrom(...keys).map((k) => withKey(value, `${k}x`, (value as Record<string, unknown>)[k])),
      )
  }
  return common
}

function withKey(object: object, key: string, value: unknown): unknown {
  const out = { ...object } as Record<string, unknown>
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  return out
}

/** One mutation at one random place of a valid payload: the near misses where validators may disagree. */
export function mutatedArbitrary(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return valid.chain((root) => {
    const all = nodes(root)
    return fc
      .constantFrom(...all)
      .chain(({ path, value }) =>
        fc.oneof(...mutationsOf(value, path.length === 0)).map((m) => roundTrip(replaceAt(root, path, m))),
      )
  })
}
