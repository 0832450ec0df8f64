import { describe } from 'node:test'
import { strictConformanceSuite } from './strict-suite.js'
import { WsIoStation } from './strict-ws-io-station.js'

// A second outside judge beside strict-rpc.test.ts: ocpp-ws-io, written independently of the
// platform and of ocpp-rpc, plays the charging station with strict mode on in both directions
// and runs the same flows. strict-ws-io-station.test.ts shows that its strict mode and frame
// checks really catch a CSMS breaking the rules.
describe('ocpp-ws-io in strict mode accepts everything the CSMS sends', () => {
  strictConformanceSuite({
    prefix: 'WSIO',
    connect: (url, id, protocol, password) => WsIoStation.connect(url, id, protocol, password),
  })
})
