import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { createAjv } from '../../test/support/ajv-validators.js'
import { nearUri, validUri } from '../../test/support/format-arbitraries.js'
import { isUri } from './uri.js'

const ajvUri = createAjv().compile({ type: 'string', format: 'uri' })

describe('isUri', () => {
  it('accepts absolute URIs', () => {
    for (const s of [
      'ftp://user:pw@host:21/fw.bin',
      'https://[2001:db8::1]/x',
      'urn:isbn:0451450523',
      'file:///tmp/a',
    ]) {
      assert.equal(isUri(s), true, s)
    }
  })

  it('rejects relative references and malformed ones', () => {
    for (const s of [
      '/just/a/path',
      'host/path',
      'http://exa mple.com',
      'http://[::1/x',
      '1http://x',
      'http://x/%zz',
    ]) {
      assert.equal(isUri(s), false, s)
    }
  })

  it('agrees with ajv-formats on URLs and on URIs assembled from broken parts', () => {
    fc.assert(
      fc.property(fc.oneof(validUri, nearUri), (s) => isUri(s) === ajvUri(s)),
      { numRuns: 5000, seed: 21 },
    )
  })

  it('agrees with ajv-formats on arbitrary strings', () => {
    const noise = fc.string({
      unit: fc.constantFrom('a', '1', ':', '/', '?', '#', '[', ']', '@', '%', '.', ' ', 'v'),
      maxLength: 24,
    })
    fc.assert(
      fc.property(noise, (s) => isUri(s) === ajvUri(s)),
      { numRuns: 5000, seed: 22 },
    )
  })
})
