import { describe } from 'node:test'
import { v2CommandFlows } from './strict-flows-commands.js'
import { v2FrameFlows, v16FrameFlows } from './strict-flows-frames.js'
import { v2StationFlows } from './strict-flows-station.js'
import { v2TransactionFlows } from './strict-flows-transactions.js'
import { v16StationFlows } from './strict-flows-v16.js'
import { v16CommandFlows } from './strict-flows-v16-commands.js'
import { type StrictLibrary, useStrictHarness } from './strict-harness.js'

/**
 * Every strict flow, in 2.0.1, 2.1 and 1.6, with the stations played by one library against one
 * platform. Each version's first flow boots the station the later ones drive, so the order holds.
 */
export function strictConformanceSuite(library: StrictLibrary): void {
  const h = useStrictHarness(library)
  for (const protocol of ['ocpp2.0.1', 'ocpp2.1'] as const)
    describe(`OCPP ${protocol.slice(4)}`, () => {
      v2StationFlows(h, protocol)
      v2FrameFlows(h, protocol)
      v2CommandFlows(h, protocol)
      v2TransactionFlows(h, protocol)
    })
  describe('OCPP 1.6', () => {
    v16StationFlows(h)
    v16FrameFlows(h)
    v16CommandFlows(h)
  })
}
