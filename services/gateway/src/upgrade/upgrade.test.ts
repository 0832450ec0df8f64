import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseBasicAuth } from './basic-auth.js'
import { parseStationPath } from './station-path.js'
import { chooseSubprotocol } from './subprotocol.js'

const basic = (raw: string) => `Basic ${Buffer.from(raw).toString('base64')}`

describe('upgrade request parsing', () => {
  it('takes the station id from /ocpp/{id}, percent-decoded', () => {
    assert.deepEqual(parseStationPath('/ocpp/CS-1'), { ok: true, stationId: 'CS-1' })
    assert.deepEqual(parseStationPath('/ocpp/site.1%2Acs'), { ok: true, stationId: 'site.1*cs' })
    assert.deepEqual(parseStationPath('/ocpp/CS-1/'), { ok: true, stationId: 'CS-1' })
  })

  it('refuses other paths, empty, over-long and odd station ids', () => {
    assert.equal(parseStationPath('/other/CS-1').ok, false)
    assert.equal(parseStationPath('/ocpp/').ok, false)
    assert.equal(parseStationPath(`/ocpp/${'a'.repeat(48)}`).ok, true)
    assert.equal(parseStationPath(`/ocpp/${'a'.repeat(49)}`).ok, false)
    assert.equal(parseStationPath('/ocpp/a%20b').ok, false)
    assert.equal(parseStationPath('/ocpp/a/b').ok, false)
    assert.equal(parseStationPath('/ocpp/%E0%A4%A').ok, false)
    assert.equal(parseStationPath('/ocpp/%C3%BC').ok, false)
  })

  it('chooses the newest protocol both sides speak', () => {
    assert.equal(chooseSubprotocol('ocpp1.6, ocpp2.0.1')?.protocol, 'ocpp2.0.1')
    assert.equal(chooseSubprotocol('ocpp2.1,ocpp2.0.1')?.version, 'v21')
    assert.equal(chooseSubprotocol('ocpp1.6')?.version, 'v16')
    assert.equal(chooseSubprotocol('ocpp1.5, mqtt'), undefined)
    assert.equal(chooseSubprotocol('OCPP2.0.1'), undefined)
    assert.equal(chooseSubprotocol(''), undefined)
  })

  it('reads Basic credentials whose password contains a colon', () => {
    assert.deepEqual(parseBasicAuth(basic('CS-1:pa:ss')), { user: 'CS-1', password: 'pa:ss' })
    assert.equal(parseBasicAuth('Bearer abc'), undefined)
    assert.equal(parseBasicAuth(basic('nocolon')), undefined)
  })

  it('reads Basic credentials of a station id that contains a colon', () => {
    assert.deepEqual(parseBasicAuth(basic('site:7:secret'), 'site:7'), { user: 'site:7', password: 'secret' })
    assert.deepEqual(parseBasicAuth(basic('other:secret'), 'site:7'), { user: 'other', password: 'secret' })
  })
})
