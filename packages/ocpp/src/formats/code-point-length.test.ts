import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { codePointLength, fitsMaxLength } from './code-point-length.js'

describe('codePointLength', () => {
  it('counts an astral character once, as JSON Schema maxLength does', () => {
    assert.equal(codePointLength('😀😀'), 2)
    assert.equal('😀😀'.length, 4)
  })

  it('counts a lone surrogate as one character', () => {
    assert.equal(codePointLength('a\ud83d'), 2)
    assert.equal(codePointLength('\udc00\ud83d'), 2)
  })

  it('lets a 20-emoji idTag through a maxLength of 20 and stops the 21st', () => {
    assert.equal(fitsMaxLength('😀'.repeat(20), 20), true)
    assert.equal(fitsMaxLength('😀'.repeat(21), 20), false)
  })
})
