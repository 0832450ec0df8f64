import type { z } from 'zod'
import { fitsMaxLength } from '../formats/code-point-length.js'
import { isDateTime } from '../formats/date-time.js'
import { isUri } from '../formats/uri.js'
import { isMultipleOf, type SchemaRule, schemaRules } from '../schema-kit.js'

/** True when the value passes the schema. Says nothing about why not: zod is asked only then. */
export type Predicate = (value: unknown) => boolean

/** Thrown for a schema built from anything but schema-kit blocks; the caller falls back to zod. */
export class UnsupportedSchemaError extends Error {}

/** The parts of zod's schema definitions the compiler reads (zod/v4/core `$ZodTypeDef`). */
type Def = {
  type: string
  shape?: Record<string, z.ZodType>
  catchall?: z.ZodType
  innerType?: z.ZodType
  element?: z.ZodType
  entries?: Record<string, string | number>
}

const defOf = (schema: z.ZodType) => schema._zod.def as unknown as Def
const HELPERS = { fitsMaxLength, isDateTime, isUri, isMultipleOf }

/**
 * Compiles a generated schema into one specialised JavaScript function, as ajv does with JSON
 * Schema: no output object is built and nothing is allocated on the happy path, which is what
 * makes a frame's validation cheaper than ajv's. Each object schema becomes a function of its own.
 */
export function compileValidator(root: z.ZodType): Predicate {
  const functions: string[] = []
  const names = new Map<z.ZodType, string>()
  const constants: unknown[] = []
  let vars = 0

  const constant = (value: unknown) => `c${constants.push(value) - 1}`
  const rule = <K extends SchemaRule['kind']>(s: z.ZodType, kind: K) => {
    const r = schemaRules.get(s)
    if (r?.kind !== kind) throw new UnsupportedSchemaError(`a ${kind} schema not made by schema-kit`)
    return r as Extract<SchemaRule, { kind: K }>
  }

  function check(s: z.ZodType, v: string, out: string[]): void {
    const def = defOf(s)
    switch (def.type) {
      case 'object':
        out.push(`if (!${objectFunction(s)}(${v})) return false`)
        return
      case 'string': {
        const r = rule(s, 'string')
        out.push(`if (typeof ${v} !== 'string') return false`)
        if (r.maxLength !== undefined) out.push(`if (!fitsMaxLength(${v}, ${r.maxLength})) return false`)
        if (r.format === 'date-time') out.push(`if (!isDateTime(${v})) return false`)
        if (r.format === 'uri') out.push(`if (!isUri(${v})) return false`)
        return
      }
      case 'number': {
        const r = rule(s, 'number')
        out.push(
          `if (typeof ${v} !== 'number' || !Number.${r.integer ? 'isInteger' : 'isFinite'}(${v})) return false`,
        )
        if (r.minimum !== undefined) out.push(`if (${v} < ${r.minimum}) return false`)
        if (r.maximum !== undefined) out.push(`if (${v} > ${r.maximum}) return false`)
        if (r.multipleOf !== undefined) out.push(`if (!isMultipleOf(${v}, ${r.multipleOf})) return false`)
        return
      }
      case 'boolean':
        out.push(`if (typeof ${v} !== 'boolean') return false`)
        return
      case 'enum': {
        const values = Object.values(def.entries ?? {})
        if (values.length <= 6) {
          out.push(`if (${values.map((x) => `${v} !== ${JSON.stringify(x)}`).join(' && ')}) return false`)
        } else out.push(`if (!${constant(new Set(values))}.has(${v})) return false`)
        return
      }
      case 'array': {
        const r = rule(s, 'array')
        const item = `e${vars++}`
        const i = `i${vars++}`
        out.push(`if (!Array.isArray(${v})) return false`)
        if (r.minItems !== undefined) out.push(`if (${v}.length < ${r.minItems}) return false`)
        if (r.maxItems !== undefined) out.push(`if (${v}.length > ${r.maxItems}) return false`)
        out.push(`for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {`, `const ${item} = ${v}[${i}]`)
        check(def.element as z.ZodType, item, out)
        out.push('}')
        return
      }
      case 'unknown':
        return
      default:
        throw new UnsupportedSchemaError(`zod type ${def.type}`)
    }
  }

  function objectFunction(s: z.ZodType): string {
    const known = names.get(s)
    if (known) return known
    const name = `o${names.size}`
    names.set(s, name)
    const def = defOf(s)
    const body = [`if (typeof x !== 'object' || x === null || Array.isArray(x)) return false`]
    const keys = Object.keys(def.shape ?? {})
    for (const key of keys) {
      let child = def.shape?.[key] as z.ZodType
      const optional = defOf(child).type === 'optional'
      if (optional) child = defOf(child).innerType as z.ZodType
      else if (defOf(child).type === 'unknown')
        throw new UnsupportedSchemaError('a required unknown property')
      const v = `p${vars++}`
      const k = JSON.stringify(key)
      // An inherited member (say "toString") must not count as a property the payload carries.
      const read = key in Object.prototype ? `(Object.hasOwn(x, ${k}) ? x[${k}] : undefined)` : `x[${k}]`
      body.push(`const ${v} = ${read}`)
      const inner: string[] = []
      check(child, v, inner)
      if (optional) body.push(`if (${v} !== undefined) {`, ...inner, '}')
      else body.push(`if (${v} === undefined) return false`, ...inner)
    }
    const catchall = def.catchall ? defOf(def.catchall).type : 'strip'
    if (catchall === 'never' && keys.length === 0) body.push('for (const k in x) return false')
    else if (catchall === 'never') {
      const cases = keys.map((k) => `case ${JSON.stringify(k)}:`).join(' ')
      body.push(`for (const k in x) { switch (k) { ${cases} break; default: return false } }`)
    } else if (catchall !== 'unknown') throw new UnsupportedSchemaError(`object catchall ${catchall}`)
    functions.push(`function ${name}(x) {\n${body.join('\n')}\nreturn true\n}`)
    return name
  }

  const entry: string[] = []
  check(root, 'input', entry)
  const source = `${functions.join('\n')}\nreturn function validate(input) {\n${entry.join('\n')}\nreturn true\n}`
  const params = [...Object.keys(HELPERS), ...constants.map((_, i) => `c${i}`)]
  try {
    const factory = new Function(...params, source) as (...args: unknown[]) => Predicate
    return factory(...Object.values(HELPERS), ...constants)
  } catch (error) {
    // A runtime that forbids code generation from strings (--disallow-code-generation-from-strings).
    throw new UnsupportedSchemaError('cannot compile a validator here', { cause: error })
  }
}
