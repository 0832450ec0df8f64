import { normalise } from './json-schema.js'
import type { SchemaSet } from './sources.js'

/** One place where two sources disagree about an action's schema, as a path and both values. */
export type Difference = { path: string; ours: string; theirs: string }

function show(value: unknown): string {
  if (value === undefined) return '(absent)'
  const text = JSON.stringify(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** Resolves `$ref`s so that sources which inline a definition and sources which reference it compare equal. */
function inline(schema: unknown, root: Record<string, unknown>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inline(s, root))
  if (schema === null || typeof schema !== 'object') return schema
  const raw = schema as Record<string, unknown>
  if (typeof raw.$ref === 'string') {
    const name = raw.$ref.replace('#/definitions/', '')
    const definitions = root.definitions as Record<string, unknown>
    return inline(definitions[name], root)
  }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw)) if (key !== 'definitions') out[key] = inline(value, root)
  return out
}

function diff(a: unknown, b: unknown, path: string, out: Difference[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v)
  if (isObject(a) && isObject(b)) {
    const ra = a as Record<string, unknown>
    const rb = b as Record<string, unknown>
    for (const key of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
      diff(ra[key], rb[key], `${path}/${key}`, out)
    }
    return
  }
  out.push({ path, ours: show(a), theirs: show(b) })
}

/** Every constraint on which `theirs` differs from `ours`, per action and direction. */
export function compareSets(ours: SchemaSet, theirs: SchemaSet): Difference[] {
  const out: Difference[] = []
  for (const [action, schemas] of ours.actions) {
    const other = theirs.actions.get(action)
    if (!other) {
      out.push({ path: action, ours: 'present', theirs: '(absent)' })
      continue
    }
    for (const side of ['request', 'response'] as const) {
      const a = schemas[side]
      const b = other[side]
      const na = a && normalise(inline(a, a as Record<string, unknown>))
      const nb = b && normalise(inline(b, b as Record<string, unknown>))
      diff(na, nb, `${action}.${side}`, out)
    }
  }
  for (const action of theirs.actions.keys()) {
    if (!ours.actions.has(action)) out.push({ path: action, ours: '(absent)', theirs: 'present' })
  }
  return out
}

/** The 2.1 actions whose schemas differ from 2.0.1 once annotations are stripped, and those that are new. */
export function compareVersions(older: SchemaSet, newer: SchemaSet) {
  const missing = [...older.actions.keys()].filter((a) => !newer.actions.has(a))
  const added = [...newer.actions.keys()].filter((a) => !older.actions.has(a))
  const changed: string[] = []
  const unchanged: string[] = []
  for (const [action, schemas] of older.actions) {
    const next = newer.actions.get(action)
    if (!next) continue
    const same = (['request', 'response'] as const).every((side) => {
      const a = schemas[side]
      const b = next[side]
      return JSON.stringify(a && normalise(inline(a, a))) === JSON.stringify(b && normalise(inline(b, b)))
    })
    ;(same ? unchanged : changed).push(action)
  }
  return { missing, added, changed, unchanged }
}
