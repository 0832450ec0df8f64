import { describe } from 'node:test'
import { StrictStation } from './strict-station.js'
import { strictConformanceSuite } from './strict-suite.js'

// The platform judged from outside: ocpp-rpc, an OCPP library written independently of it, plays
// the charging station in strict mode. A CALLRESULT that breaks the official schema rejects the
// station's call; a CSMS CALL that breaks it is answered with a CALLERROR and never reaches the
// handler, so every command asserts both that the handler ran with the expected params and that
// the API returned the station's answer. Frame rules strict mode leaves unchecked (error codes,
// message ids) are checked by StrictStation; each test ends asserting no violation.
// strict-station.test.ts shows that a CSMS breaking these rules does fail such a test.
describe('ocpp-rpc in strict mode accepts everything the CSMS sends', () => {
  strictConformanceSuite({
    prefix: 'RPC',
    connect: (url, id, protocol, password) => StrictStation.connect(url, id, protocol, password),
  })
})
