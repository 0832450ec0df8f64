import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkIdTokenFormat, sameEmaid } from './id-token-format.js'

describe('idToken formats', () => {
  it('accepts 4- and 7-byte ISO14443 UIDs in any case and stores them upper-case', () => {
    assert.deepEqual(checkIdTokenFormat('ISO14443', 'a1b2c3d4'), { ok: true, idToken: 'A1B2C3D4' })
    assert.deepEqual(checkIdTokenFormat('ISO14443', '04A1B2C3D4E5F6'), {
      ok: true,
      idToken: '04A1B2C3D4E5F6',
    })
  })

  it('refuses ISO14443 UIDs of the wrong length or with non-hex digits', () => {
    for (const raw of ['A1B2C3', 'A1B2C3D4E5', 'A1B2C3D4E5F6A7B8C9D0', 'G1B2C3D4', '']) {
      assert.equal(checkIdTokenFormat('ISO14443', raw).ok, false, raw)
    }
  })

  it('checks ISO15693, eMAID and MAC address shapes', () => {
    assert.equal(checkIdTokenFormat('ISO15693', 'E004010012345678').ok, true)
    assert.equal(checkIdTokenFormat('ISO15693', 'E0040100').ok, false)
    assert.equal(checkIdTokenFormat('eMAID', 'DE8ACC12345678').ok, true)
    assert.equal(checkIdTokenFormat('eMAID', 'NOT-AN-EMAID').ok, false)
    assert.equal(checkIdTokenFormat('MacAddress', '00:1a:2B:3c:4D:5e').ok, true)
    assert.equal(checkIdTokenFormat('MacAddress', '001A2B3C4D5E6F70').ok, true)
    assert.equal(checkIdTokenFormat('MacAddress', '00:1A:2B').ok, false)
  })

  it('keeps eMAIDs (ISO 15118-2 and DIN SPEC 91286) upper-case without their printed separators', () => {
    for (const [printed, stored] of [
      ['de-8ac-c12345678-9', 'DE8ACC123456789'],
      ['DE8ACC123456789', 'DE8ACC123456789'],
      ['DE*8AC*C12345678*9', 'DE8ACC123456789'],
      ['DE*8PS*ABC123*X', 'DE8PSABC123X'],
      ['de-8ps-abc123-4', 'DE8PSABC1234'],
    ]) {
      assert.deepEqual(checkIdTokenFormat('eMAID', printed as string), { ok: true, idToken: stored }, printed)
    }
    for (const wrong of ['DE*8PS*ABC123*Y', 'DE8PSABC12', 'DE-8AC-C1234567890-12']) {
      assert.equal(checkIdTokenFormat('eMAID', wrong).ok, false, wrong)
    }
  })

  it('takes free-form types as they are, but never empty', () => {
    assert.deepEqual(checkIdTokenFormat('KeyCode', '1234'), { ok: true, idToken: '1234' })
    assert.deepEqual(checkIdTokenFormat('Central', 'app-user-42'), { ok: true, idToken: 'app-user-42' })
    assert.equal(checkIdTokenFormat('Local', '').ok, false)
    assert.deepEqual(checkIdTokenFormat('NoAuthorization', ''), { ok: true, idToken: '' })
  })

  it('compares eMAIDs without separators', () => {
    assert.equal(sameEmaid('DE-8AC-C12345678-9', 'de8acc123456789'), true)
    assert.equal(sameEmaid('DE*8AC*C12345678*9', 'DE8ACC123456789'), true)
    assert.equal(sameEmaid('DE-8AC-C12345678-9', 'DE8ACC123456780'), false)
  })
})
