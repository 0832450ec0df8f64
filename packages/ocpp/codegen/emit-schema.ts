import { type JsonSchema, refName } from './json-schema.js'

/** Collects the schema-kit helpers (and whether `z` itself) the emitted code uses, for the imports. */
export type Imports = { helpers: Set<string>; z: boolean }

export function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

function key(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : quote(name)
}

function bounds(entries: [string, number | undefined][]): string {
  const set = entries.filter((e): e is [string, number] => e[1] !== undefined)
  return set.length === 0 ? '' : `{ ${set.map(([k, v]) => `${k}: ${v}`).join(', ')} }`
}

/** The zod expression for a schema, using the schema-kit helpers and `<Name>Schema` for references. */
export function zodOf(schema: JsonSchema, indent: string, imports: Imports): string {
  const use = (helper: string) => {
    imports.helpers.add(helper)
    return helper
  }
  if (schema.$ref !== undefined) return `${refName(schema.$ref)}Schema`
  switch (schema.type) {
    case 'object':
      return objectOf(schema, indent, imports)
    case 'string': {
      if (schema.enum) {
        imports.z = true
        const flat = `z.enum([${schema.enum.map(quote).join(', ')}])`
        if (flat.length + indent.length <= 100) return flat
        return `z.enum([\n${schema.enum.map((e) => `${indent}  ${quote(e)},`).join('\n')}\n${indent}])`
      }
      const helper = schema.format === 'date-time' ? 'dateTime' : schema.format === 'uri' ? 'uri' : 'string'
      return `${use(helper)}(${schema.maxLength ?? ''})`
    }
    case 'integer':
    case 'number': {
      const b = bounds([
        ['minimum', schema.minimum],
        ['maximum', schema.maximum],
        ['multipleOf', schema.multipleOf],
      ])
      return `${use(schema.type)}(${b})`
    }
    case 'boolean':
      imports.z = true
      return 'z.boolean()'
    case 'array': {
      if (!schema.items) throw new Error('array without items')
      const b = bounds([
        ['minItems', schema.minItems],
        ['maxItems', schema.maxItems],
      ])
      return `${use('array')}(${zodOf(schema.items, indent, imports)}${b ? `, ${b}` : ''})`
    }
    case undefined:
      imports.z = true
      return 'z.unknown()'
    default:
      throw new Error(`unsupported type ${String(schema.type)}`)
  }
}

function objectOf(schema: JsonSchema, indent: string, imports: Imports): string {
  imports.z = true
  const fn = schema.additionalProperties === false ? 'z.strictObject' : 'z.looseObject'
  const entries = Object.entries(schema.properties ?? {})
  if (entries.length === 0) return `${fn}({})`
  const inner = `${indent}  `
  const required = new Set(schema.required ?? [])
  const lines = entries.map(([name, child]) => {
    const expr = zodOf(child, inner, imports)
    return `${inner}${key(name)}: ${expr}${required.has(name) ? '' : '.optional()'},`
  })
  return `${fn}({\n${lines.join('\n')}\n${indent}})`
}

/**
 * The TypeScript type for a schema, spelled as `z.infer` would infer it (optional properties
 * include `undefined`), so that each schema can be annotated with it: declarations stay small and
 * the compiler never has to expand a thousand nested zod generics.
 */
export function typeOf(schema: JsonSchema, indent: string): string {
  if (schema.$ref !== undefined) return refName(schema.$ref)
  switch (schema.type) {
    case 'object':
      return objectTypeOf(schema, indent)
    case 'string': {
      if (!schema.enum) return 'string'
      const flat = schema.enum.map(quote).join(' | ')
      if (flat.length + indent.length <= 90) return flat
      return schema.enum.map((e) => `\n${indent}  | ${quote(e)}`).join('')
    }
    case 'integer':
    case 'number':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'array': {
      if (!schema.items) throw new Error('array without items')
      const item = typeOf(schema.items, indent)
      return /^[A-Za-z0-9_]+$/.test(item) ? `${item}[]` : `Array<${item}>`
    }
    case undefined:
      return 'unknown'
    default:
      throw new Error(`unsupported type ${String(schema.type)}`)
  }
}

function objectTypeOf(schema: JsonSchema, indent: string): string {
  const entries = Object.entries(schema.properties ?? {})
  const loose = schema.additionalProperties !== false
  if (entries.length === 0) return loose ? 'Record<string, unknown>' : 'Record<string, never>'
  const inner = `${indent}  `
  const required = new Set(schema.required ?? [])
  const lines = entries.map(([name, child]) => {
    const type = typeOf(child, inner)
    return required.has(name) ? `${inner}${key(name)}: ${type}` : `${inner}${key(name)}?: ${type} | undefined`
  })
  if (loose) lines.push(`${inner}[key: string]: unknown`)
  return `{\n${lines.join('\n')}\n${indent}}`
}

/** Names of the definitions a schema refers to, directly or through its children. */
export function refsOf(schema: JsonSchema, out = new Set<string>()): Set<string> {
  if (schema.$ref !== undefined) out.add(refName(schema.$ref))
  for (const child of Object.values(schema.properties ?? {})) refsOf(child, out)
  if (schema.items) refsOf(schema.items, out)
  return out
}
