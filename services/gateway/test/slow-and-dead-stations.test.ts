import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { waitFor } from '@csms/testkit'
import { type Fixture, startFixture, watchDisconnect } from './support/fixture.js'
import { metricValue } from './support/gateway-process.js'
import { serveStationCalls } from './support/stand-ins.js'
import type { TestStation } from './support/test-station.js'

const BIG = 'x'.repeat(200_000)
const LIMIT = 64 * 1024

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))
  return Number(/(\d+)/.exec(line ?? '')?.[1]) * 1024
}

/** Stops reading the socket: the kernel buffers fill, pings go unanswered. */
function stopReading(station: TestStation): void {
  ;(station.ws as unknown as { _socket: Socket })._socket.pause()
}

describe('stations that do not read', () => {
  let f: Fixture
  /** Called after each answer the stand-in service sends, to chain the next CALL. */
  let onAnswered: (vendorId: string) => void = () => {}

  before(async () => {
    f = await startFixture({
      CSMS_GATEWAY_MAX_BACKPRESSURE_BYTES: String(LIMIT),
      CSMS_GATEWAY_IDLE_TIMEOUT_S: '8',
    })
    serveStationCalls(
      f.nc,
      (_action, payload) => {
        const { vendorId, messageId } = payload as { vendorId: string; messageId?: string }
        setImmediate(() => onAnswered(vendorId))
        return { payload: { status: 'Accepted', data: messageId === 'big' ? BIG : vendorId } }
      },
      'ocpp.in.*.DataTransfer.*',
    )
    await f.nc.flush()
  })
  after(() => f?.stop())

  it('closes the socket of a station that stops reading once its send buffer passes the limit', async (t) => {
    const { event: gone } = await watchDisconnect(f.nc, 'CS-SLOW-READER')
    const station = await f.station('CS-SLOW-READER')
    const rssBefore = rssBytes(f.gateway.handle.pid)
    stopReading(station)
    let sent = 0
    let closed = false
    void gone.then(() => {
      closed = true
    })
    // Each answer (200 kB) triggers the next CALL: the station writes but never reads.
    onAnswered = (vendorId) => {
      if (vendorId !== 'slow' || closed) return
      if (++sent > 2_000)
        throw new Error('400 MB answered and the socket is still open: no send-buffer limit')
      station.send([2, `s${sent}`, 'DataTransfer', { vendorId: 'slow', messageId: 'big' }])
    }
    station.send([2, 's0', 'DataTransfer', { vendorId: 'slow', messageId: 'big' }])
    await gone
    const grown = rssBytes(f.gateway.handle.pid) - rssBefore
    assert.ok(sent < 2_000, `closed after ${sent} answers`)
    t.diagnostic(
      `slow reader closed after ${sent} answers of 200 kB; gateway RSS grew ${Math.round(grown / 1024)} KiB`,
    )
    assert.ok(grown < 48 * 1024 * 1024, `gateway RSS grew by ${grown} bytes`)
    const metrics = await f.gateway.metrics()
    assert.equal(metricValue(metrics, 'csms_gateway_connections', { protocol: 'ocpp2.0.1' }), 0)
  })

  it('keeps serving other stations meanwhile', async () => {
    onAnswered = () => {}
    const other = await f.station('CS-FAST-READER')
    assert.deepEqual(await other.call('DataTransfer', { vendorId: 'fast' }, 'f1'), [
      3,
      'f1',
      { status: 'Accepted', data: 'fast' },
    ])
  })

  it('closes a dead peer (no pong) after the idle timeout and keeps a live idle one', async () => {
    const { event: gone } = await watchDisconnect(f.nc, 'CS-DEAD')
    const [dead, alive] = await Promise.all([f.station('CS-DEAD'), f.station('CS-ALIVE')])
    const openedAt = Date.now()
    stopReading(dead)
    const event = await gone
    const after = Date.now() - openedAt
    assert.equal(event.reason, 'WebSocket timed out from inactivity')
    // uWS checks timeouts on a 4 s tick, so "8 s" means between one and two ticks.
    assert.ok(after >= 3_500 && after < 20_000, `closed after ${after} ms with an 8 s idle timeout`)
    assert.deepEqual(await alive.call('DataTransfer', { vendorId: 'alive' }, 'a1'), [
      3,
      'a1',
      { status: 'Accepted', data: 'alive' },
    ])
  })
})

describe('the send-buffer gauge', () => {
  let f: Fixture
  let onAnswered: () => void = () => {}

  before(async () => {
    f = await startFixture({
      CSMS_GATEWAY_MAX_BACKPRESSURE_BYTES: String(64 * 1024 * 1024),
      // The gauge is sampled at this interval.
      CSMS_GATEWAY_HEARTBEAT_MS: '100',
    })
    serveStationCalls(
      f.nc,
      () => {
        setImmediate(() => onAnswered())
        return { payload: { status: 'Accepted', data: BIG } }
      },
      'ocpp.in.*.DataTransfer.*',
    )
    await f.nc.flush()
  })
  after(() => f?.stop())

  const buffered = async (stat: 'sum' | 'max') =>
    metricValue(await f.gateway.metrics(), 'csms_gateway_send_buffer_bytes', { stat }) ?? 0

  it('shows what a station that does not read holds buffered, and nothing once it read it all', async () => {
    const station = await f.station('CS-BUFFERED')
    stopReading(station)
    // 150 answers of 200 kB (30 MB), each asking the next: more than the kernel's socket buffers
    // hold (a few MB), less than the 64 MB limit, so uWS holds the rest and the socket stays open.
    let sent = 0
    const all = new Promise<void>((resolve) => {
      onAnswered = () => {
        if (++sent === 150) return resolve()
        station.send([2, `b${sent}`, 'DataTransfer', { vendorId: 'buffer' }])
      }
    })
    station.send([2, 'b0', 'DataTransfer', { vendorId: 'buffer' }])
    await all
    await waitFor(async () => (await buffered('sum')) > 0, {
      timeoutMs: 10_000,
      description: 'bytes buffered',
    })
    assert.ok((await buffered('max')) > 0)
    ;(station.ws as unknown as { _socket: Socket })._socket.resume()
    await waitFor(async () => (await buffered('sum')) === 0, {
      timeoutMs: 30_000,
      description: 'buffer drained',
    })
    assert.equal(station.ws.readyState, station.ws.OPEN)
  })
})
