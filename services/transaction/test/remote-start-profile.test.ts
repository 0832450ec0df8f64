import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  callRpc,
  checkStartProfileRpc,
  commandRpc,
  isAppError,
  type RuleViolation,
  serveRpc,
} from '@csms/bus'
import type { Subscription } from '@nats-io/transport-node'
import { sql } from 'kysely'
import {
  type FakeStation,
  fakeStation,
  fakeStationRegistry,
  type Harness,
  startHarness,
} from './support/harness.js'

// K05 from the transaction service's side: the chargingProfile of a remote start goes to smart
// charging's check first. Smart charging is played here by a stand-in on its subject; the real
// service answers it in services/smart-charging/test/start-profile-check.test.ts and the whole
// path (API, both services, a station over WebSocket) runs in test-e2e.

const tx = (o: Record<string, unknown> = {}) => ({
  id: 77,
  stackLevel: 0,
  chargingProfilePurpose: 'TxProfile',
  chargingProfileKind: 'Relative',
  chargingSchedule: [
    { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
  ],
  ...o,
})

describe('K05: a remote start with a chargingProfile is checked by smart charging before it is sent', () => {
  let h: Harness
  let registry: Subscription
  let checker: Subscription | undefined
  const checked: Array<Record<string, unknown>> = []
  const stations: FakeStation[] = []

  before(async () => {
    h = await startHarness({ CSMS_TX_PROFILE_CHECK_TIMEOUT_MS: '500' })
    registry = fakeStationRegistry(h.nc, {
      'K5-1': { protocol: 'ocpp2.0.1' },
      'K5-2': { protocol: 'ocpp2.0.1' },
      'K5-16': { protocol: 'ocpp1.6' },
    })
  })
  after(async () => {
    checker?.unsubscribe()
    for (const s of stations) s.stop()
    registry?.unsubscribe()
    await h?.stop()
  })

  /** Smart charging's stand-in: refuses what `refuse` names, answers after `delayMs`. */
  const serveChecker = (refuse: (p: Record<string, unknown>) => RuleViolation[], delayMs = 0) => {
    checker?.unsubscribe()
    checker = serveRpc(h.nc, checkStartProfileRpc, async (r) => {
      checked.push(r)
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
      const violations = refuse(r.chargingProfile)
      return violations.length === 0 ? { ok: true as const } : { ok: false as const, violations }
    })
  }
  const station = (id: string) => {
    const s = fakeStation(h.nc, id, {
      RequestStartTransaction: () => ({ status: 'Accepted' }),
      RemoteStartTransaction: () => ({ status: 'Accepted' }),
    })
    stations.push(s)
    return s
  }
  const command = (stationId: string, action: string, payload: unknown, version: 'v16' | 'v201' = 'v201') =>
    callRpc(h.nc, commandRpc('transaction'), { stationId, version, action, payload }, { timeoutMs: 10_000 })
  const remoteStarts = async (stationId: string) =>
    (
      await sql<{ remote_start_id: number | null; status: string }>`
        select remote_start_id, status from remote_starts where station_id = ${stationId}`.execute(h.db)
    ).rows
  const startWith = (chargingProfile: Record<string, unknown>, remoteStartId: number) => ({
    remoteStartId,
    idToken: { idToken: 'K05-USER', type: 'Central' },
    evseId: 1,
    chargingProfile,
  })

  it('refuses a profile smart charging finds broken, naming its rules, and never sends or records the start', async () => {
    serveChecker((p) =>
      p.transactionId === undefined
        ? []
        : [{ rule: 'F01.FR.11', message: 'a RequestStartTransaction profile has no transactionId' }],
    )
    const s = station('K5-1')
    await assert.rejects(
      command('K5-1', 'RequestStartTransaction', startWith(tx({ transactionId: 'tx-9' }), 501)),
      (e) =>
        isAppError(e) &&
        e.code === 'invalid_input' &&
        /^F01\.FR\.11: /.test(e.message) &&
        JSON.stringify((e.details as { violations: unknown }).violations) ===
          JSON.stringify([
            { rule: 'F01.FR.11', message: 'a RequestStartTransaction profile has no transactionId' },
          ]),
    )
    assert.deepEqual(checked.at(-1), {
      stationId: 'K5-1',
      version: 'v201',
      evseId: 1,
      chargingProfile: tx({ transactionId: 'tx-9' }),
    })
    assert.deepEqual(s.calls, [])
    assert.deepEqual(await remoteStarts('K5-1'), [])

    const reply = await command('K5-1', 'RequestStartTransaction', startWith(tx(), 502))
    assert.deepEqual(reply, { ok: true, payload: { status: 'Accepted' } })
    assert.deepEqual(s.calls, [{ action: 'RequestStartTransaction', payload: startWith(tx(), 502) }])
    assert.deepEqual(await remoteStarts('K5-1'), [{ remote_start_id: 502, status: 'Accepted' }])
  })

  it('checks a 1.6 RemoteStartTransaction profile too, with its connectorId', async () => {
    serveChecker(() => [])
    const s = station('K5-16')
    const profile = {
      chargingProfileId: 3,
      stackLevel: 0,
      chargingProfilePurpose: 'TxProfile',
      chargingProfileKind: 'Relative',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] },
    }
    const payload = { idTag: 'TAG-K05', connectorId: 2, chargingProfile: profile }
    assert.deepEqual(await command('K5-16', 'RemoteStartTransaction', payload, 'v16'), {
      ok: true,
      payload: { status: 'Accepted' },
    })
    assert.deepEqual(checked.at(-1), {
      stationId: 'K5-16',
      version: 'v16',
      evseId: 2,
      chargingProfile: profile,
    })
    assert.deepEqual(s.calls, [{ action: 'RemoteStartTransaction', payload }])
  })

  it('refuses the start as unavailable when smart charging does not answer, in time or at all', async () => {
    const s = station('K5-2')
    serveChecker(() => [], 2_000)
    await assert.rejects(
      command('K5-2', 'RequestStartTransaction', startWith(tx(), 601)),
      (e) => isAppError(e) && e.code === 'unavailable' && /smart charging did not check/.test(e.message),
    )
    checker?.unsubscribe()
    checker = undefined
    await assert.rejects(
      command('K5-2', 'RequestStartTransaction', startWith(tx(), 602)),
      (e) =>
        isAppError(e) &&
        e.code === 'unavailable' &&
        /smart charging did not check/.test(e.message) &&
        /the start was not sent/.test(e.message),
    )
    assert.deepEqual(s.calls, [])
    assert.deepEqual(await remoteStarts('K5-2'), [])

    // Without a chargingProfile there is nothing to check: the start goes out.
    const { chargingProfile: _none, ...plain } = startWith(tx(), 603)
    assert.deepEqual(await command('K5-2', 'RequestStartTransaction', plain), {
      ok: true,
      payload: { status: 'Accepted' },
    })
    assert.equal(s.calls.length, 1)
  })
})
