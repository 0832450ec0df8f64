import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { callAs, callsOf, jsonOf, problemOf, queryRows, useApiPlatform } from './operator-api-support.js'
import type { E2ePlatform } from './platform-fixture.js'

// K05 end to end: an operator's RequestStartTransaction with a chargingProfile goes API →
// transaction → smart charging (the profile rules) → the station over WebSocket, or comes back
// 400 naming the broken rule before anything reaches the station; without smart charging the
// start is refused (503), never sent unchecked.

const STATION = 'K05-E2E'
const COMMAND = `/v1/stations/${STATION}/commands/RequestStartTransaction`

const aTxProfile = (o: Record<string, unknown> = {}) => ({
  id: 90,
  stackLevel: 0,
  chargingProfilePurpose: 'TxProfile',
  chargingProfileKind: 'Relative',
  chargingSchedule: [
    { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
  ],
  ...o,
})
const aStart = (remoteStartId: number, chargingProfile?: Record<string, unknown>) => ({
  remoteStartId,
  idToken: { idToken: 'K05-DRIVER', type: 'Central' },
  evseId: 1,
  ...(chargingProfile === undefined ? {} : { chargingProfile }),
})

describe('operator API: remote start with a charging profile (K05)', () => {
  let platform: E2ePlatform
  let commander: string
  const station = useApiPlatform(
    () => ({ CSMS_API_COMMAND_TIMEOUT_MS: '5000' }),
    (s) => ({ platform, commander } = s),
  )
  const post = (body: unknown) =>
    callAs(platform, commander, COMMAND, { method: 'POST', body: JSON.stringify(body) })

  it('refuses a bad chargingProfile with 400 naming the rule, sends a valid one, and refuses all with 503 when smart charging is down', async () => {
    const s = await station(STATION)
    s.answer = (action) =>
      action === 'RequestStartTransaction' ? { result: { status: 'Accepted' } } : { error: 'NotSupported' }

    // F01.FR.09: only a TxProfile travels with a remote start (and a station-wide profile on
    // EVSE 1 breaks a K01 rule as well: each is named).
    const maxProfile = aTxProfile({
      chargingProfilePurpose: 'ChargingStationMaxProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: [
        {
          id: 1,
          startSchedule: '2026-01-01T00:00:00Z',
          chargingRateUnit: 'A',
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 32 }],
        },
      ],
    })
    const notTx = await problemOf(await post(aStart(9001, maxProfile)), 400)
    assert.match(
      notTx.detail ?? '',
      /F01\.FR\.09: the chargingProfile of a RequestStartTransaction is a TxProfile/,
    )
    assert.deepEqual(
      notTx.errors?.map((e) => e.path),
      ['K01.ChargingStationMaxProfile', 'F01.FR.09'],
    )
    // F01.FR.11: the transaction does not exist yet, so the profile names none.
    const withTx = await problemOf(await post(aStart(9002, aTxProfile({ transactionId: 'tx-1' }))), 400)
    assert.deepEqual(
      withTx.errors?.map((e) => e.path),
      ['F01.FR.11'],
    )
    assert.deepEqual(callsOf(s, 'RequestStartTransaction'), [], 'nothing refused reached the station')

    const accepted = await jsonOf(await post(aStart(9003, aTxProfile())), 200)
    assert.deepEqual(accepted, { status: 'Accepted' })
    assert.deepEqual(callsOf(s, 'RequestStartTransaction'), [aStart(9003, aTxProfile())])
    assert.deepEqual(
      await queryRows(
        platform,
        `select remote_start_id, status from "transaction".remote_starts where station_id = '${STATION}' order by id`,
      ),
      [{ remote_start_id: 9003, status: 'Accepted' }],
    )

    // Smart charging gone: a start with a profile is not sent unchecked; one without still goes.
    await platform.processes.get('smart-charging')?.stop('SIGTERM', 15_000)
    const down = await problemOf(await post(aStart(9004, aTxProfile())), 503)
    assert.match(down.detail ?? '', /smart charging did not check the chargingProfile/)
    assert.deepEqual(callsOf(s, 'RequestStartTransaction'), [aStart(9003, aTxProfile())])
    assert.deepEqual(await jsonOf(await post(aStart(9005)), 200), { status: 'Accepted' })
    assert.equal(callsOf(s, 'RequestStartTransaction').length, 2)
  })
})
