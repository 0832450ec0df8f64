import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { JsonSchema } from '../../codegen/json-schema.js'
import { loadSchemaSet } from '../../codegen/sources.js'
import type { OcppVersion } from '../../src/versions.js'

const addFormats = addFormatsModule.default

export type AjvPair = { request: ValidateFunction; response: ValidateFunction | undefined }

/**
 * The yardstick: ajv 8 with ajv-formats (full mode), draft-07 as the bundles declare, strict
 * schema mode on. `multipleOfPrecision: 6` reads `multipleOf: 0.1` with the same 1e-6 tolerance as the zod
 * schemas (see isMultipleOf); `javaType` and `comment` are OCA annotations, declared as such.
 */
export function createAjv(options: { fastCompile?: boolean } = {}): Ajv {
  // strictTypes off: the 2.x schemas put `additionalProperties: false` on string enums, where it is inert.
  // fastCompile skips ajv's code tidying and the inlining of definitions: same verdicts, compiled
  // in a fraction of the time, for the tests that compile every schema once. The bench uses the default.
  const fast = options.fastCompile === true
  const ajv = new Ajv({
    multipleOfPrecision: 6,
    strictTypes: false,
    code: { optimize: !fast },
    inlineRefs: !fast,
  })
  ajv.addVocabulary(['javaType', 'comment'])
  addFormats(ajv)
  return ajv
}

/**
 * Two edits that change no verdict. The `urn:X.req` ids are not URIs ajv can resolve; and
 * `additionalItems` beside a single `items` schema is inert in draft-07, which ajv's strict mode
 * reports as an error.
 */
function forAjv(schema: unknown, root = true): unknown {
  if (Array.isArray(schema)) return schema.map((s) => forAjv(s, false))
  if (schema === null || typeof schema !== 'object') return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (root && (key === '$id' || key === '$schema')) continue
    if (key === 'additionalItems' && !Array.isArray((schema as JsonSchema).items)) continue
    // Property names and definition names are data, not keywords: copy them without looking inside.
    out[key] = key === 'properties' || key === 'definitions' ? mapValues(value) : forAjv(value, false)
  }
  return out
}

function mapValues(record: unknown): unknown {
  const out: Record<string, unknown> = {}
  for (const [name, child] of Object.entries(record as Record<string, unknown>))
    out[name] = forAjv(child, false)
  return out
}

export function compileAjvValidators(version: OcppVersion, ajv = createAjv()): Map<string, AjvPair> {
  const out = new Map<string, AjvPair>()
  for (const [action, { request, response }] of loadSchemaSet(version).actions) {
    out.set(action, {
      request: ajv.compile(forAjv(request) as JsonSchema),
      response: response ? ajv.compile(forAjv(response) as JsonSchema) : undefined,
    })
  }
  return out
}
