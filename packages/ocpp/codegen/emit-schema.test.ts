import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { z } from 'zod'
import { array, dateTime, integer, number, string, uri } from '../src/schema-kit.js'
import { type Imports, typeOf, zodOf } from './emit-schema.js'
import type { JsonSchema } from './json-schema.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

// The generated schemas are cast to their generated types (a structural check of every one costs
// the compiler minutes), so this holds the type convention to z.infer on one schema with every block.
const emitted = z.strictObject({
  id: string(36),
  when: dateTime(),
  where: uri().optional(),
  kind: z.enum(['A', 'B']).optional(),
  count: integer({ minimum: 0, maximum: 10 }).optional(),
  limit: number({ multipleOf: 0.1 }).optional(),
  ok: z.boolean().optional(),
  items: array(z.looseObject({ x: integer().optional() }), { minItems: 1, maxItems: 3 }),
  data: z.unknown().optional(),
  none: z.strictObject({}).optional(),
})
type Written = {
  id: string
  when: string
  where?: string | undefined
  kind?: 'A' | 'B' | undefined
  count?: number | undefined
  limit?: number | undefined
  ok?: boolean | undefined
  items: Array<{
    x?: number | undefined
    [key: string]: unknown
  }>
  data?: unknown | undefined
  none?: Record<string, never> | undefined
}
const sameAsZodInfer: Equal<z.infer<typeof emitted>, Written> = true

/** One schema with every keyword the OCPP schemas use. */
const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'when', 'items'],
  properties: {
    customData: { $ref: '#/definitions/CustomDataType' },
    id: { type: 'string', maxLength: 36 },
    when: { type: 'string', format: 'date-time' },
    where: { type: 'string', format: 'uri' },
    kind: { type: 'string', enum: ['A', 'B'] },
    count: { type: 'integer', minimum: 0, maximum: 10 },
    limit: { type: 'number', multipleOf: 0.1 },
    ok: { type: 'boolean' },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 3,
      items: { type: 'object', properties: { x: { type: 'integer' } } },
    },
    data: {},
  },
}

describe('emit-schema', () => {
  it('writes the zod expression with schema-kit blocks, keeping every constraint', () => {
    const imports: Imports = { helpers: new Set(), z: false }
    assert.equal(
      zodOf(schema, '', imports),
      [
        'z.strictObject({',
        '  customData: CustomDataTypeSchema.optional(),',
        '  id: string(36),',
        '  when: dateTime(),',
        '  where: uri().optional(),',
        "  kind: z.enum(['A', 'B']).optional(),",
        '  count: integer({ minimum: 0, maximum: 10 }).optional(),',
        '  limit: number({ multipleOf: 0.1 }).optional(),',
        '  ok: z.boolean().optional(),',
        '  items: array(z.looseObject({',
        '    x: integer().optional(),',
        '  }), { minItems: 1, maxItems: 3 }),',
        '  data: z.unknown().optional(),',
        '})',
      ].join('\n'),
    )
    assert.deepEqual([...imports.helpers].sort(), ['array', 'dateTime', 'integer', 'number', 'string', 'uri'])
  })

  it('writes the TypeScript type z.infer would give the same schema', () => {
    assert.equal(
      typeOf(schema, ''),
      [
        '{',
        '  customData?: CustomDataType | undefined',
        '  id: string',
        '  when: string',
        '  where?: string | undefined',
        "  kind?: 'A' | 'B' | undefined",
        '  count?: number | undefined',
        '  limit?: number | undefined',
        '  ok?: boolean | undefined',
        '  items: Array<{',
        '    x?: number | undefined',
        '    [key: string]: unknown',
        '  }>',
        '  data?: unknown | undefined',
        '}',
      ].join('\n'),
    )
  })

  it('spells types the way z.infer does (checked by the compiler above)', () => {
    assert.equal(sameAsZodInfer, true)
  })

  it('writes an object that allows no property as Record<string, never>', () => {
    assert.equal(typeOf({ type: 'object', additionalProperties: false }, ''), 'Record<string, never>')
  })
})
