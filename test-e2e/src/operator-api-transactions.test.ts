import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  assertGuarded,
  callAs,
  callsOf,
  jsonOf,
  problemOf,
  queryRows,
  useApiPlatform,
} from './operator-api-support.js'
import type { E2ePlatform } from './platform-fixture.js'
import type { TestStation } from './station-client.js'

type Session = {
  id: string
  transactionId: string
  stationId: string
  evseId: number | null
  state: 'active' | 'ended'
  startedAt: string | null
  endedAt: string | null
  energyWh: number
  idToken: { idToken: string; type: string } | null
  remoteStartId: number | null
  stoppedReason: string | null
  remoteStopRequestedAt: string | null
}
type SessionDetail = Session & { meterValues: Array<{ measurand: string; normalized: number | null }> }
type Page = { items: Session[]; next: string | null }

const at = (offsetS: number) => new Date(Date.now() + offsetS * 1000).toISOString()

/** A 2.0.1 TransactionEvent on EVSE 1 with the energy register at `registerWh`. */
function aTransactionEvent(o: {
  transactionId: string
  seqNo: number
  eventType: 'Started' | 'Updated' | 'Ended'
  registerWh: number
  triggerReason?: string
  remoteStartId?: number
  stoppedReason?: string
  idToken?: { idToken: string; type: string }
}) {
  const timestamp = at(o.seqNo)
  const context =
    o.eventType === 'Started'
      ? 'Transaction.Begin'
      : o.eventType === 'Ended'
        ? 'Transaction.End'
        : 'Sample.Periodic'
  return {
    eventType: o.eventType,
    timestamp,
    triggerReason: o.triggerReason ?? (o.eventType === 'Ended' ? 'StopAuthorized' : 'Authorized'),
    seqNo: o.seqNo,
    transactionInfo: {
      transactionId: o.transactionId,
      ...(o.remoteStartId === undefined ? {} : { remoteStartId: o.remoteStartId }),
      ...(o.stoppedReason === undefined ? {} : { stoppedReason: o.stoppedReason }),
    },
    evse: { id: 1, connectorId: 1 },
    ...(o.idToken === undefined ? {} : { idToken: o.idToken }),
    meterValue: [{ timestamp, sampledValue: [{ value: o.registerWh, context }] }],
  }
}

async function send(station: TestStation, payload: Record<string, unknown>) {
  const reply = await station.call('TransactionEvent', payload)
  assert.equal(reply[0], 3, `TransactionEvent answered ${JSON.stringify(reply)}`)
}

describe('operator API: transactions, remote start and stop, tariffs, reservations', () => {
  let platform: E2ePlatform
  let reader: string
  let commander: string
  // A short command timeout, so that the 504 cases answer quickly.
  const station = useApiPlatform(
    () => ({ CSMS_API_COMMAND_TIMEOUT_MS: '2000' }),
    (s) => ({ platform, reader, commander } = s),
  )
  const post = (path: string, body: unknown, token = commander) =>
    callAs(platform, token, path, { method: 'POST', body: JSON.stringify(body) })

  it('guards every transaction route: no token, a wrong token, too small a scope', async () => {
    const start = {
      method: 'POST',
      body: JSON.stringify({ stationId: 'TX-G', idToken: { idToken: 'A', type: 'Central' } }),
    }
    await assertGuarded(platform, '/v1/transactions', {}, undefined)
    await assertGuarded(platform, '/v1/transactions/1', {}, undefined)
    await assertGuarded(platform, '/v1/transactions', start, { token: reader, needs: 'command' })
    await assertGuarded(
      platform,
      '/v1/transactions/1/stop',
      { method: 'POST' },
      { token: reader, needs: 'command' },
    )
    await assertGuarded(platform, '/v1/tariffs', {}, undefined)
    const tariff = { method: 'PUT', body: JSON.stringify({ scope: 'default', currency: 'EUR' }) }
    await assertGuarded(platform, '/v1/tariffs/T-G', tariff, { token: commander, needs: 'admin' })
    await assertGuarded(platform, '/v1/reservations?stationId=TX-G', {}, undefined)

    // A command token may start and stop sessions, as it may send a station command: it gets
    // past authorization to the body check or to the unknown session.
    await problemOf(await post('/v1/transactions', {}), 400)
    await problemOf(await post('/v1/transactions/no-such-session/stop', undefined), 404)
    // A read token reads.
    assert.deepEqual(await jsonOf(await callAs(platform, reader, '/v1/transactions'), 200), {
      items: [],
      next: null,
    })
  })

  it('starts a session remotely, links its TransactionEvents, lists it, reads it, stops it', async () => {
    const s = await station('TX-1')
    s.answer = (action) =>
      action === 'RequestStartTransaction' || action === 'RequestStopTransaction'
        ? { result: { status: 'Accepted' } }
        : { error: 'NotSupported' }

    const started = await jsonOf<{
      remoteStartId: number | null
      status: string
      transactionId: string | null
      stationResponse: unknown
    }>(
      await post('/v1/transactions', {
        stationId: 'TX-1',
        evseId: 1,
        idToken: { idToken: 'APP-USER-1', type: 'Central' },
      }),
      200,
    )
    assert.equal(started.status, 'Accepted')
    assert.equal(started.transactionId, null)
    assert.deepEqual(started.stationResponse, { status: 'Accepted' })
    assert.equal(typeof started.remoteStartId, 'number')
    const remoteStartId = started.remoteStartId as number
    assert.deepEqual(callsOf(s, 'RequestStartTransaction'), [
      { remoteStartId, idToken: { idToken: 'APP-USER-1', type: 'Central' }, evseId: 1 },
    ])
    assert.deepEqual(
      await queryRows(
        platform,
        `select remote_start_id, evse_id, id_token, status from "transaction".remote_starts where station_id = 'TX-1'`,
      ),
      [{ remote_start_id: remoteStartId, evse_id: 1, id_token: 'APP-USER-1', status: 'Accepted' }],
    )

    const idToken = { idToken: 'APP-USER-1', type: 'Central' }
    await send(
      s,
      aTransactionEvent({
        transactionId: 'TX-1-S1',
        seqNo: 0,
        eventType: 'Started',
        triggerReason: 'RemoteStart',
        remoteStartId,
        idToken,
        registerWh: 1_000,
      }),
    )
    await send(
      s,
      aTransactionEvent({ transactionId: 'TX-1-S1', seqNo: 1, eventType: 'Updated', registerWh: 3_500 }),
    )
    const linked = await queryRows<{ transaction_id: string }>(
      platform,
      `select transaction_id from "transaction".remote_starts where station_id = 'TX-1'`,
    )
    assert.deepEqual(linked, [{ transaction_id: 'TX-1-S1' }])

    const active = await jsonOf<Page>(
      await callAs(platform, reader, '/v1/transactions?stationId=TX-1&state=active'),
      200,
    )
    assert.equal(active.items.length, 1)
    const [session] = active.items as [Session]
    assert.deepEqual(
      [session.transactionId, session.stationId, session.evseId, session.state, session.remoteStartId],
      ['TX-1-S1', 'TX-1', 1, 'active', remoteStartId],
    )
    assert.equal(session.energyWh, 2_500)
    assert.deepEqual(session.idToken, idToken)
    assert.ok(session.startedAt && session.endedAt === null)
    assert.equal(active.next, null)
    // Another station's filter, and the ended filter, leave it out.
    assert.deepEqual(
      (await jsonOf<Page>(await callAs(platform, reader, '/v1/transactions?stationId=TX-OTHER'), 200)).items,
      [],
    )
    assert.deepEqual(
      (await jsonOf<Page>(await callAs(platform, reader, '/v1/transactions?stationId=TX-1&state=ended'), 200))
        .items,
      [],
    )
    // A window that ends before the session started leaves it out; one around it keeps it.
    const earlier = encodeURIComponent(new Date(Date.parse(session.startedAt) - 60_000).toISOString())
    assert.equal(
      (
        await jsonOf<Page>(
          await callAs(platform, reader, `/v1/transactions?stationId=TX-1&to=${earlier}`),
          200,
        )
      ).items.length,
      0,
    )
    assert.equal(
      (
        await jsonOf<Page>(
          await callAs(platform, reader, `/v1/transactions?stationId=TX-1&from=${earlier}`),
          200,
        )
      ).items.length,
      1,
    )

    // By the CSMS id and by the station's transactionId: the same session with its meter values.
    for (const id of [session.id, 'TX-1-S1']) {
      const detail = await jsonOf<SessionDetail>(
        await callAs(platform, reader, `/v1/transactions/${id}`),
        200,
      )
      assert.equal(detail.id, session.id)
      assert.deepEqual(
        detail.meterValues.map((m) => [m.measurand, m.normalized]),
        [
          ['Energy.Active.Import.Register', 1_000],
          ['Energy.Active.Import.Register', 3_500],
        ],
      )
    }
    const limited = await jsonOf<SessionDetail & { meterValuesTruncated: boolean }>(
      await callAs(platform, reader, '/v1/transactions/TX-1-S1?stationId=TX-1&meterValuesLimit=1'),
      200,
    )
    assert.deepEqual([limited.meterValues.length, limited.meterValuesTruncated], [1, true])

    const stopped = await jsonOf<{ status: string; stationId: string; transactionId: string }>(
      await post('/v1/transactions/TX-1-S1/stop?stationId=TX-1', undefined),
      200,
    )
    assert.deepEqual(
      { status: stopped.status, stationId: stopped.stationId, transactionId: stopped.transactionId },
      { status: 'Accepted', stationId: 'TX-1', transactionId: 'TX-1-S1' },
    )
    assert.deepEqual(callsOf(s, 'RequestStopTransaction'), [{ transactionId: 'TX-1-S1' }])
    const requested = await jsonOf<Session>(await callAs(platform, reader, '/v1/transactions/TX-1-S1'), 200)
    assert.ok(requested.remoteStopRequestedAt, 'the remote stop is recorded')
    assert.equal(requested.state, 'active', 'the session runs until the station ends it')

    await send(
      s,
      aTransactionEvent({
        transactionId: 'TX-1-S1',
        seqNo: 2,
        eventType: 'Ended',
        triggerReason: 'RemoteStop',
        stoppedReason: 'Remote',
        registerWh: 4_000,
      }),
    )
    const ended = await jsonOf<Page>(
      await callAs(platform, reader, '/v1/transactions?stationId=TX-1&state=ended'),
      200,
    )
    assert.deepEqual(
      ended.items.map((t) => [t.transactionId, t.state, t.stoppedReason, t.energyWh, t.endedAt !== null]),
      [['TX-1-S1', 'ended', 'Remote', 3_000, true]],
    )

    // Stopping it again is a conflict; the station is not asked a second time.
    const again = await problemOf(await post('/v1/transactions/TX-1-S1/stop', undefined), 409)
    assert.match(again.detail ?? '', /already ended/)
    assert.equal(callsOf(s, 'RequestStopTransaction').length, 1)
  })

  it('pages the session list with a cursor and refuses a bad filter or cursor', async () => {
    const s = await station('TX-PAGE')
    for (const n of [1, 2, 3]) {
      await send(
        s,
        aTransactionEvent({
          transactionId: `TX-PAGE-${n}`,
          seqNo: 0,
          eventType: 'Started',
          registerWh: n * 100,
          idToken: { idToken: 'PAGER', type: 'Central' },
        }),
      )
    }
    const seen: string[] = []
    let next: string | null = null
    do {
      const cursor: string = next === null ? '' : `&cursor=${encodeURIComponent(next)}`
      const page: Page = await jsonOf<Page>(
        await callAs(platform, reader, `/v1/transactions?stationId=TX-PAGE&limit=2${cursor}`),
        200,
      )
      assert.ok(page.items.length <= 2)
      seen.push(...page.items.map((t) => t.transactionId))
      next = page.next
    } while (next !== null)
    assert.deepEqual([...seen].sort(), ['TX-PAGE-1', 'TX-PAGE-2', 'TX-PAGE-3'])

    for (const [query, field] of [
      ['state=open', 'state'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['from=yesterday', 'from'],
    ] as const) {
      const body = await problemOf(await callAs(platform, reader, `/v1/transactions?${query}`), 400)
      assert.equal(body.errors?.[0]?.path, field, query)
    }
    const cursor = await problemOf(
      await callAs(platform, reader, '/v1/transactions?cursor=not-a-cursor'),
      400,
    )
    assert.match(cursor.detail ?? '', /invalid cursor/)
  })

  it('answers an unknown session with 404, and a bad remote start with 400 or 404', async () => {
    const unknown = await problemOf(await callAs(platform, reader, '/v1/transactions/no-such-session'), 404)
    assert.match(unknown.detail ?? '', /no transaction no-such-session/)
    await problemOf(await callAs(platform, reader, '/v1/transactions/TX-1-S1?stationId=TX-OTHER'), 404)
    await problemOf(await post('/v1/transactions/no-such-session/stop', undefined), 404)

    for (const [body, field] of [
      [{ stationId: 'TX-1' }, 'idToken'],
      [{ stationId: 'TX-1', evseId: 0, idToken: { idToken: 'A', type: 'Central' } }, 'evseId'],
      [{ idToken: { idToken: 'A', type: 'Central' } }, 'stationId'],
    ] as const) {
      const problem = await problemOf(await post('/v1/transactions', body), 400)
      assert.equal(problem.errors?.[0]?.path, field)
    }
    // Unknown fields are refused, not dropped (the body is strict).
    await problemOf(
      await post('/v1/transactions', { stationId: 'TX-1', idToken: { idToken: 'A', type: 'Central' }, x: 1 }),
      400,
    )
    const offline = await problemOf(
      await post('/v1/transactions', { stationId: 'TX-NOBODY', idToken: { idToken: 'A', type: 'Central' } }),
      404,
    )
    assert.match(offline.detail ?? '', /TX-NOBODY is not connected/)
  })

  it('maps a CALLERROR to 502 and silence to 504, for remote start and stop', async () => {
    const s = await station('TX-ERR')
    s.answer = () => ({ error: 'NotSupported' })
    const start = { stationId: 'TX-ERR', evseId: 1, idToken: { idToken: 'A', type: 'Central' } }
    const refused = await problemOf(await post('/v1/transactions', start), 502)
    assert.equal(refused.ocppErrorCode, 'NotSupported')
    assert.deepEqual(
      await queryRows(platform, `select status from "transaction".remote_starts where station_id = 'TX-ERR'`),
      [{ status: 'CALLERROR:NotSupported' }],
    )

    await send(
      s,
      aTransactionEvent({
        transactionId: 'TX-ERR-S1',
        seqNo: 0,
        eventType: 'Started',
        registerWh: 0,
        idToken: { idToken: 'A', type: 'Central' },
      }),
    )
    const stopRefused = await problemOf(await post('/v1/transactions/TX-ERR-S1/stop', undefined), 502)
    assert.equal(stopRefused.ocppErrorCode, 'NotSupported')

    s.answer = () => 'silent'
    const late = await problemOf(await post('/v1/transactions/TX-ERR-S1/stop', undefined), 504)
    assert.match(late.detail ?? '', /did not answer in time/)

    const quiet = await station('TX-SILENT')
    quiet.answer = () => 'silent'
    await problemOf(await post('/v1/transactions', { ...start, stationId: 'TX-SILENT' }), 504)
    assert.deepEqual(
      await queryRows(
        platform,
        `select status from "transaction".remote_starts where station_id = 'TX-SILENT'`,
      ),
      [{ status: 'failed:timeout' }],
    )
  })

  it('refuses to stop a session whose station went offline with 404', async () => {
    const s = await station('TX-OFF')
    await send(
      s,
      aTransactionEvent({
        transactionId: 'TX-OFF-S1',
        seqNo: 0,
        eventType: 'Started',
        registerWh: 0,
        idToken: { idToken: 'A', type: 'Central' },
      }),
    )
    await s.close()
    const gone = await problemOf(await post('/v1/transactions/TX-OFF-S1/stop', undefined), 404)
    assert.match(gone.detail ?? '', /TX-OFF/)
  })

  it('stores tariffs and lists them; refuses an invalid tariff', async () => {
    const body = { scope: 'default', currency: 'EUR', pricePerKwh: 0.39, pricePerMinute: 0.01 }
    const stored = await jsonOf(
      await platform.api('/v1/tariffs/T-DEFAULT', { method: 'PUT', body: JSON.stringify(body) }),
      200,
    )
    assert.deepEqual(stored, { id: 'T-DEFAULT', scopeKey: '', ...body })
    const replaced = { ...body, pricePerKwh: 0.45 }
    await jsonOf(
      await platform.api('/v1/tariffs/T-DEFAULT', { method: 'PUT', body: JSON.stringify(replaced) }),
      200,
    )
    const listed = await jsonOf<{ items: unknown[] }>(await callAs(platform, reader, '/v1/tariffs'), 200)
    assert.deepEqual(listed.items, [{ id: 'T-DEFAULT', scopeKey: '', ...replaced }])
    assert.deepEqual(await queryRows(platform, `select id, price_per_kwh from "transaction".tariffs`), [
      { id: 'T-DEFAULT', price_per_kwh: 0.45 },
    ])

    for (const [bad, field] of [
      [{ ...body, currency: 'eur' }, 'currency'],
      [{ ...body, pricePerKwh: -1 }, 'pricePerKwh'],
      [{ ...body, scope: 'planet' }, 'scope'],
    ] as const) {
      const problem = await problemOf(
        await platform.api('/v1/tariffs/T-BAD', { method: 'PUT', body: JSON.stringify(bad) }),
        400,
      )
      assert.equal(problem.errors?.[0]?.path, field)
    }
    await problemOf(
      await platform.api('/v1/tariffs/T-BAD', { method: 'PUT', body: JSON.stringify({ ...body, id: 'X' }) }),
      400,
    )
    assert.equal(
      (await jsonOf<{ items: unknown[] }>(await callAs(platform, reader, '/v1/tariffs'), 200)).items.length,
      1,
    )
  })

  it("lists a station's reservations made with ReserveNow; needs a stationId", async () => {
    const s = await station('TX-RES')
    s.answer = (action) =>
      action === 'ReserveNow' ? { result: { status: 'Accepted' } } : { error: 'NotSupported' }
    assert.deepEqual(await jsonOf(await callAs(platform, reader, '/v1/reservations?stationId=TX-RES'), 200), {
      items: [],
    })
    const expiry = at(3_600)
    await jsonOf(
      await post('/v1/stations/TX-RES/commands/ReserveNow', {
        id: 7,
        expiryDateTime: expiry,
        evseId: 1,
        idToken: { idToken: 'RES-1', type: 'Central' },
      }),
      200,
    )
    const listed = await jsonOf<{ items: Array<Record<string, unknown>> }>(
      await callAs(platform, reader, '/v1/reservations?stationId=TX-RES'),
      200,
    )
    assert.deepEqual(
      listed.items.map((r) => [r.stationId, r.reservationId, r.evseId, r.idToken, r.status]),
      [['TX-RES', 7, 1, 'RES-1', 'active']],
    )
    assert.equal(Date.parse(listed.items[0]?.expiresAt as string), Date.parse(expiry))
    assert.deepEqual(
      (
        await jsonOf<{ items: unknown[] }>(
          await callAs(platform, reader, '/v1/reservations?stationId=TX-RES&status=cancelled'),
          200,
        )
      ).items,
      [],
    )
    const missing = await problemOf(await callAs(platform, reader, '/v1/reservations'), 400)
    assert.equal(missing.errors?.[0]?.path, 'stationId')
  })

  it('answers 404 for the CSMS CA when none is configured (this platform has none)', async () => {
    const none = await problemOf(await callAs(platform, reader, '/v1/certificate-authority'), 404)
    assert.match(none.detail ?? '', /no CSMS certificate authority/)
  })
})
