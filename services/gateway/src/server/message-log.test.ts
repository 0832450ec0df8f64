import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatFrameEntry, formatLogMessage, isoClock } from './message-log.js'

describe('message log entries', () => {
  it('are the JSON of the connection and its frames, whatever the station id and frames hold', () => {
    const station = {
      stationId: 'CS "7" \\ é\u0001',
      version: 'v201' as const,
      protocol: 'ocpp2.0.1',
      connectionId: 'c-1',
    }
    const frame = '[2,"a\\"b","DataTransfer",{"data":"line\\nbreak ☃"}]\u2028'
    const entries = [
      formatFrameEntry('2026-11-26T09:00:00.000Z', 'in', frame),
      formatFrameEntry('2026-11-26T09:00:00.001Z', 'out', 'garbage "quoted"'),
    ].join(',')
    assert.deepEqual(JSON.parse(formatLogMessage('gw-"1"', station, entries)), {
      stationId: station.stationId,
      protocol: 'ocpp2.0.1',
      gatewayId: 'gw-"1"',
      connectionId: 'c-1',
      frames: [
        { at: '2026-11-26T09:00:00.000Z', direction: 'in', frame },
        { at: '2026-11-26T09:00:00.001Z', direction: 'out', frame: 'garbage "quoted"' },
      ],
    })
  })

  it('formats the time once per millisecond and follows the clock', () => {
    let now = Date.parse('2026-11-26T09:00:00.000Z')
    const clock = isoClock(() => now)
    const first = clock()
    assert.equal(first, '2026-11-26T09:00:00.000Z')
    assert.equal(clock(), first)
    now += 1
    assert.equal(clock(), '2026-11-26T09:00:00.001Z')
    now += 86_400_000
    assert.equal(clock(), '2026-11-27T09:00:00.001Z')
  })
})
