import { describe, it } from 'node:test'
import fc from 'fast-check'
import { loadSchemaSet } from '../../codegen/sources.js'
import { actionInfo } from '../../src/registry/registry.js'
import { validatorFor } from '../../src/validation/validate.js'
import type { OcppVersion } from '../../src/versions.js'
import { compileAjvValidators, createAjv } from './ajv-validators.js'
import { probeBoundaries } from './boundaries.js'
import { mutatedArbitrary } from './mutations.js'
import { rawArbitrary, validArbitrary } from './schema-arbitrary.js'

/**
 * The proof that the generated zod schemas mean what the official JSON schemas mean: for every
 * request and response schema of every version, payloads generated from the JSON schema, and
 * single mutations of them, get the same verdict from ajv (the reference), from zod's own parser
 * and from the compiled validator the gateway runs. OCPP_EQUIVALENCE_RUNS raises the sample count
 * and OCPP_EQUIVALENCE_SEED=random draws new samples instead of the fixed per-schema seed.
 * One test file per version, so that the runner spreads them over the cores.
 */
const RUNS = Number(process.env.OCPP_EQUIVALENCE_RUNS ?? 30)
const RANDOM = process.env.OCPP_EQUIVALENCE_SEED === 'random'

function seedOf(name: string): number {
  let h = 2166136261
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619)
  return h | 0
}

const show = (value: unknown) => JSON.stringify(value)?.slice(0, 400)

export function describeEquivalence(version: OcppVersion): void {
  describe(`${version} schemas: zod, compiled validator and ajv agree`, () => {
    const ajv = compileAjvValidators(version, createAjv({ fastCompile: true }))
    for (const [action, json] of loadSchemaSet(version).actions) {
      const info = actionInfo(version, action)
      const sides = [
        ['Request', json.request, info?.request, ajv.get(action)?.request],
        ['Response', json.response, info?.response, ajv.get(action)?.response],
      ] as const
      for (const [side, schema, zodSchema, reference] of sides) {
        if (!schema) continue
        const name = `${version} ${action}${side}`
        it(name, () => {
          if (!zodSchema || !reference) throw new Error(`${name}: no zod schema or no ajv validator`)
          const compiled = validatorFor(zodSchema)
          const valid = validArbitrary(schema, schema)
          const mutated = mutatedArbitrary(rawArbitrary(schema, schema))
          const sample = fc.oneof(
            { weight: 3, arbitrary: valid.map((payload) => ({ kind: 'valid', payload })) },
            { weight: 6, arbitrary: mutated.map((payload) => ({ kind: 'mutated', payload })) },
            {
              weight: 1,
              arbitrary: fc.jsonValue({ maxDepth: 3 }).map((payload) => ({ kind: 'random', payload })),
            },
          )
          const property = fc.property(sample, ({ kind, payload }) => {
            const byAjv = reference(payload)
            const byZod = zodSchema.safeParse(payload).success
            const byCompiled = compiled(payload)
            if (byAjv !== byZod || byAjv !== byCompiled) {
              throw new Error(
                `${name}: ajv ${byAjv}, zod ${byZod}, compiled ${byCompiled} for ${show(payload)}`,
              )
            }
            if (kind === 'valid' && !byAjv) {
              throw new Error(
                `${name}: a generated valid payload fails ajv: ${show(reference.errors)} ${show(payload)}`,
              )
            }
          })
          fc.assert(property, RANDOM ? { numRuns: RUNS } : { numRuns: RUNS, seed: seedOf(name) })

          // Then every limit of the schema, deterministically, around a valid payload that has every
          // optional property, so that no constraint depends on a lucky sample.
          const seed = RANDOM ? Date.now() : seedOf(name)
          const full = validArbitrary(schema, schema, { allProperties: true })
          for (const base of fc.sample(full, { numRuns: 1, seed })) {
            const before = JSON.stringify(base)
            probeBoundaries(base, schema, schema, (payload, probe) => {
              const byAjv = reference(payload)
              const byZod = zodSchema.safeParse(payload).success
              const byCompiled = compiled(payload)
              if (byAjv !== byZod || byAjv !== byCompiled) {
                throw new Error(
                  `${name}: ajv ${byAjv}, zod ${byZod}, compiled ${byCompiled} at ${probe} in ${show(payload)}`,
                )
              }
            })
            if (JSON.stringify(base) !== before)
              throw new Error(`${name}: the probe did not restore the payload`)
          }
        })
      }
    }
  })
}
