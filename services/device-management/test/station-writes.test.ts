import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createDb, migrateToLatest } from '@csms/db'
import { type PostgresHandle, startPostgres } from '@csms/testkit'
import type { Kysely } from 'kysely'
import { migrations, SCHEMA } from '../src/migrations/index.js'
import { createStationRepo } from '../src/repo/station-repo.js'
import { createStationWrites } from '../src/repo/station-writes.js'
import type { DeviceManagementDb } from '../src/repo/tables.js'

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s))
const fact = (stationId: string, connectionId: string, s: number) => ({
  stationId,
  connectionId,
  gatewayId: 'gw-1',
  protocol: 'ocpp2.0.1',
  at: at(s),
})

describe('grouped station writes behave as if applied one by one', () => {
  let pg: PostgresHandle
  let root: Kysely<DeviceManagementDb>
  let db: Kysely<DeviceManagementDb>

  before(async () => {
    pg = await startPostgres()
    root = createDb<DeviceManagementDb>({ url: pg.url, schema: SCHEMA, poolSize: 2 })
    await migrateToLatest(root, { schema: SCHEMA, migrations })
    db = root.withSchema(SCHEMA)
  })
  after(async () => {
    await root?.destroy()
    await pg?.stop()
  })

  const statusOf = async (stationId: string, evseId: number) =>
    (
      await db
        .selectFrom('connector_status')
        .select(['status', 'status_at'])
        .where('station_id', '=', stationId)
        .where('evse_id', '=', evseId)
        .executeTakeFirst()
    )?.status

  it('keeps the newest status per connector, within a batch and against the stored one', async () => {
    const writes = createStationWrites(db)
    await writes.recordStatuses([
      { stationId: 'S1', evseId: 2, connectorId: 1, status: 'Occupied', at: at(50) },
    ])
    await writes.recordStatuses([
      { stationId: 'S1', evseId: 1, connectorId: 1, status: 'Occupied', at: at(20) },
      { stationId: 'S1', evseId: 1, connectorId: 1, status: 'Available', at: at(10) }, // older, arrived later
      { stationId: 'S1', evseId: 2, connectorId: 1, status: 'Available', at: at(40) }, // older than stored
      { stationId: 'S2', evseId: 1, connectorId: 1, status: 'Faulted', at: at(5) },
    ])
    assert.equal(await statusOf('S1', 1), 'Occupied')
    assert.equal(await statusOf('S1', 2), 'Occupied')
    assert.equal(await statusOf('S2', 1), 'Faulted')
  })

  it('applies connected then disconnected facts of one batch in their order', async () => {
    const writes = createStationWrites(db)
    const online = async (id: string) =>
      (await db
        .selectFrom('stations')
        .select(['connected', 'connection_id'])
        .where('id', '=', id)
        .executeTakeFirst()) ?? null
    await writes.applyConnections({
      connected: [fact('A', 'a1', 1), fact('B', 'b1', 1), fact('B', 'b2', 2), fact('C', 'c2', 5)],
      disconnected: [fact('A', 'a1', 3), fact('B', 'b1', 3)],
    })
    assert.deepEqual(await online('A'), { connected: false, connection_id: 'a1' }, 'connected then gone')
    assert.deepEqual(
      await online('B'),
      { connected: true, connection_id: 'b2' },
      'the old socket closing is ignored',
    )
    // A late "connected" of an older socket does not override the newer connection.
    await writes.applyConnections({ connected: [fact('C', 'c1', 4)], disconnected: [] })
    assert.deepEqual(await online('C'), { connected: true, connection_id: 'c2' })
  })

  it('brings back a station of a pod taken for dead only with a message that arrived after', async () => {
    const writes = createStationWrites(db)
    const stations = createStationRepo(db)
    const online = async (id: string) =>
      (await db.selectFrom('stations').select('connected').where('id', '=', id).executeTakeFirstOrThrow())
        .connected
    await writes.applyConnections({
      connected: [
        { ...fact('L1', 'l1', 1), gatewayId: 'gw-lost' },
        { ...fact('L2', 'l2', 1), gatewayId: 'gw-lost' },
        { ...fact('L3', 'l3', 1), gatewayId: 'gw-lost' },
      ],
      disconnected: [],
    })
    assert.equal(await stations.markGatewayLost('gw-lost', at(100)), 3)
    // Sent before the pod fell silent, written after: proves nothing.
    await writes.touchMany([{ stationId: 'L1', at: at(90) }])
    await writes.recordStatuses([
      { stationId: 'L2', evseId: 1, connectorId: 1, status: 'Available', at: at(90), seenAt: at(95) },
    ])
    assert.deepEqual([await online('L1'), await online('L2')], [false, false])
    await writes.touchMany([{ stationId: 'L1', at: at(110) }])
    await writes.recordStatuses([
      { stationId: 'L2', evseId: 1, connectorId: 1, status: 'Available', at: at(90), seenAt: at(111) },
    ])
    await writes.recordBoots([
      {
        stationId: 'L3',
        boot: {
          vendor: 'Acme',
          model: 'AC',
          serialNumber: null,
          firmwareVersion: null,
          reason: 'PowerUp',
          protocol: 'ocpp2.0.1',
          registrationStatus: 'Accepted',
          at: at(112),
        },
      },
    ])
    assert.deepEqual([await online('L1'), await online('L2'), await online('L3')], [true, true, true])
    // A station whose socket closed is not revived by a late message.
    await writes.applyConnections({ connected: [], disconnected: [fact('L1', 'l1', 120)] })
    await writes.touchMany([{ stationId: 'L1', at: at(130) }])
    assert.equal(await online('L1'), false)
  })
})
