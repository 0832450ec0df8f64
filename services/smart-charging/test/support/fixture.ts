import type { StationView } from '@csms/bus'
import { type NatsHandle, type PostgresHandle, startNats, startPostgres } from '@csms/testkit'
import { type JetStreamClient, jetstream } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { connect } from '@nats-io/transport-node'
import type { SmartChargingService } from '../../src/app.js'
import { type FakeStations, serveFakeRegistry, startFakeStations } from './fake-stations.js'
import { startService } from './service.js'

export type ServiceFixture = {
  nats: NatsHandle
  pg: PostgresHandle
  nc: NatsConnection
  js: JetStreamClient
  stations: FakeStations
  service: SmartChargingService
  stop(): Promise<void>
}

/**
 * Real NATS and PostgreSQL, device-management's registry played from `registry`, the stations
 * `stationIds` answering CSMS calls, and the service in-process with `env`. `beforeService` runs
 * on the test's connection before the service starts (a subscription that must see everything).
 */
export async function startServiceFixture(opts: {
  registry: Map<string, StationView>
  stationIds: readonly string[]
  env?: Record<string, string>
  beforeService?: (nc: NatsConnection) => void
}): Promise<ServiceFixture> {
  const [nats, pg] = await Promise.all([startNats(), startPostgres()])
  const nc = await connect({ servers: nats.url })
  serveFakeRegistry(nc, opts.registry)
  const stations = startFakeStations(nc, opts.stationIds)
  let service: SmartChargingService
  try {
    opts.beforeService?.(nc)
    service = await startService(nats.url, pg.url, opts.env)
  } catch (error) {
    stations.stop()
    await nc.close()
    await Promise.all([pg.stop(), nats.stop()])
    throw error
  }
  return {
    nats,
    pg,
    nc,
    js: jetstream(nc),
    stations,
    service,
    async stop() {
      stations.stop()
      await nc.close()
      await service.stop()
      await pg.stop()
      await nats.stop()
    },
  }
}
