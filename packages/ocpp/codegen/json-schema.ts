/** The part of JSON Schema (draft-06/07) the OCPP message schemas use. */
export type JsonSchema = {
  type?: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array'
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean
  enum?: string[]
  maxLength?: number
  format?: string
  minimum?: number
  maximum?: number
  multipleOf?: number
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  $ref?: string
  definitions?: Record<string, JsonSchema>
}

/** Keywords that only document: they never change what validates. */
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  'id',
  '$comment',
  'comment',
  'title',
  'description',
  'javaType',
  'default',
])

/** What each type may carry. Anything else stops the generator, so no constraint is silently dropped. */
const ALLOWED: Record<string, ReadonlySet<string>> = {
  object: new Set(['type', 'properties', 'required', 'additionalProperties', 'definitions']),
  string: new Set(['type', 'enum', 'maxLength', 'format', 'additionalProperties']),
  integer: new Set(['type', 'minimum', 'maximum', 'multipleOf', 'enum']),
  number: new Set(['type', 'minimum', 'maximum', 'multipleOf']),
  boolean: new Set(['type']),
  array: new Set(['type', 'items', 'minItems', 'maxItems', 'additionalItems']),
  ref: new Set(['$ref']),
  any: new Set([]),
}

const FORMATS = new Set(['date-time', 'uri'])

/**
 * Checks a schema tree against the supported subset, with two keywords that are legal but inert
 * here: `additionalProperties` on a string (the 1.6 and 2.x schemas put it on every enum) and
 * `additionalItems` beside a single `items` schema (draft-07 ignores it then).
 */
export function assertSupported(schema: JsonSchema, path: string): void {
  const raw = schema as Record<string, unknown>
  const kind = schema.$ref !== undefined ? 'ref' : (schema.type ?? 'any')
  const allowed = ALLOWED[kind]
  if (!allowed) throw new Error(`${path}: unsupported type ${JSON.stringify(schema.type)}`)
  for (const key of Object.keys(raw)) {
    if (!ANNOTATIONS.has(key) && !allowed.has(key)) throw new Error(`${path}: unsupported keyword "${key}"`)
  }
  if (kind === 'integer' && schema.enum) throw new Error(`${path}: integer enums are not supported`)
  if (schema.format !== undefined && !FORMATS.has(schema.format)) {
    throw new Error(`${path}: unsupported format "${schema.format}"`)
  }
  if (kind === 'array' && raw.additionalItems !== undefined && Array.isArray(schema.items)) {
    throw new Error(`${path}: tuple arrays are not supported`)
  }
  if (kind === 'object' && raw.additionalProperties !== undefined && raw.additionalProperties !== false) {
    throw new Error(`${path}: only "additionalProperties: false" is supported on objects`)
  }
  for (const name of schema.required ?? []) {
    if (!schema.properties || !(name in schema.properties))
      throw new Error(`${path}: required "${name}" is not a property`)
  }
  for (const [name, child] of Object.entries(schema.properties ?? {}))
    assertSupported(child, `${path}.${name}`)
  for (const [name, child] of Object.entries(schema.definitions ?? {}))
    assertSupported(child, `${path}#${name}`)
  if (schema.items) assertSupported(schema.items, `${path}[]`)
}

/** The definition a `#/definitions/Name` reference points to. */
export function refName(ref: string): string {
  const match = /^#\/definitions\/([A-Za-z_][A-Za-z0-9_]*)$/.exec(ref)
  if (!match?.[1]) throw new Error(`unsupported $ref ${ref}`)
  return match[1]
}

/** A schema without annotations, with keys sorted: two schemas mean the same when these are equal. */
export function normalise(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normalise)
  if (schema === null || typeof schema !== 'object') return schema
  const raw = schema as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(raw).sort()) {
    if (ANNOTATIONS.has(key) || key === 'additionalItems') continue
    // On a non-object schema, additionalProperties constrains nothing.
    if (key === 'additionalProperties' && raw.type !== 'object') continue
    out[key] = normalise(raw[key])
  }
  return out
}
