import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { type Fleet, startFleet } from '../src/index.js'
import { type Received, startScriptedCsms } from './support/scripted-csms.js'

// Station behaviour against a scripted CSMS: what a real CSMS cannot easily be made to do.

const now = () => new Date().toISOString()

describe('station behaviour', { timeout: 120_000 }, () => {
  const cleanup: (() => Promise<void>)[] = []
  after(async () => {
    for (const c of cleanup.reverse()) await c()
  })

  it('retries a Pending boot after the interval it was given, then heartbeats at the accepted interval', async () => {
    let boots = 0
    const csms = await startScriptedCsms((r) => {
      if (r.action !== 'BootNotification') return r.action === 'Heartbeat' ? { currentTime: now() } : {}
      boots++
      return { status: boots === 1 ? 'Pending' : 'Accepted', interval: 1, currentTime: now() }
    })
    cleanup.push(() => csms.stop())
    const fleet: Fleet = await startFleet({ url: csms.url, stations: [{ id: 'PENDING-1', model: 'dc-150' }] })
    cleanup.push(() => fleet.stop())
    const s = fleet.station('PENDING-1')
    await s.waitFor((st) => st.bootStatus === 'Pending')
    await s.waitFor((st) => st.bootStatus === 'Accepted', { timeoutMs: 10_000 })
    await csms.until(() => csms.received.filter((r) => r.action === 'Heartbeat').length >= 2, 15_000)
    const bootTimes = csms.received.filter((r) => r.action === 'BootNotification').map((r) => r.at)
    assert.equal(bootTimes.length, 2)
    assert.ok(
      (bootTimes[1] ?? 0) - (bootTimes[0] ?? 0) >= 900,
      'waited the 1 s interval before booting again',
    )
    const before = csms.received.findIndex((r) => r.action === 'BootNotification' && r.at === bootTimes[1])
    assert.ok(
      csms.received.slice(0, before).every((r) => r.action === 'BootNotification'),
      'nothing but BootNotification while Pending',
    )
    assert.equal(s.state.heartbeatIntervalS, 1)
  })

  it('keeps transaction messages while offline and replays them, flagged offline, after reconnecting', async () => {
    const csms = await startScriptedCsms((r: Received) => {
      switch (r.action) {
        case 'BootNotification':
          return { status: 'Accepted', interval: 300, currentTime: now() }
        case 'Heartbeat':
          return { currentTime: now() }
        default:
          return {}
      }
    })
    cleanup.push(() => csms.stop())
    const fleet = await startFleet({
      url: csms.url,
      stations: [{ id: 'OFFLINE-1', model: 'ac-2x22', protocol: 'ocpp2.0.1' }],
      behaviour: {
        features: { transactions: true, meterValues: false, authorize: false },
        reconnect: { minWait: '200ms', randomRange: '200ms', repeatTimes: 1 },
      },
    })
    cleanup.push(() => fleet.stop())
    const s = fleet.station('OFFLINE-1')
    await s.waitFor((st) => st.bootStatus === 'Accepted' && st.connection === 'open')
    await csms.until(() => csms.received.filter((r) => r.action === 'StatusNotification').length === 2)

    csms.setRefusing(true)
    s.drop()
    await s.waitFor((st) => st.connection !== 'open')
    await s.plugIn({ evseId: 1, idToken: '5E1A0000000001', dwellMs: 60_000 })
    await s.waitFor((st) => st.offlineQueue >= 1 && st.evses[0]?.transactionId !== undefined)
    assert.equal(
      csms.received.filter((r) => r.action === 'TransactionEvent').length,
      0,
      'nothing reached the CSMS while offline',
    )

    csms.setRefusing(false)
    await csms.until(() => csms.received.some((r) => r.action === 'TransactionEvent'), 20_000)
    await s.waitFor((st) => st.offlineQueue === 0 && st.connection === 'open')
    const started = csms.received.find((r) => r.action === 'TransactionEvent')
    assert.equal(started?.payload.eventType, 'Started')
    assert.equal(started?.payload.offline, true)
    assert.equal(started?.payload.seqNo, 0)
    assert.equal(
      (started?.payload.transactionInfo as { transactionId: string } | undefined)?.transactionId,
      s.state.evses[0]?.transactionId,
    )
    const second = csms.received.filter((r) => r.connection === started?.connection)
    assert.ok(
      !second.some((r) => r.action === 'BootNotification'),
      'a reconnect without reboot sends no new BootNotification',
    )
    assert.ok(s.state.connects >= 2)
  })
})
