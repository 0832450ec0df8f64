import { eventSubject, type StationDisconnected, StationDisconnectedSchema } from '@csms/bus'
import { type NatsHandle, type RestartableNatsHandle, startNats } from '@csms/testkit'
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node'
import { type GatewayProcess, startGatewayProcess } from './gateway-process.js'
import { type Decide, serveAdmission } from './stand-ins.js'
import { type StationOptions, TestStation } from './test-station.js'

export type Fixture = {
  nats: NatsHandle
  /** The test's own NATS connection: it plays the services. */
  nc: NatsConnection
  gateway: GatewayProcess
  /** Replaces the admission stand-in; undefined leaves no auth service at all. */
  setAdmission(decide: Decide | undefined): Promise<void>
  /** Connects a station to the gateway; it is terminated in stop(). */
  station(stationId: string, opts?: StationOptions): Promise<TestStation>
  /** Only with `restartableNats`: a private nats-server, its JetStream store kept across restarts. */
  natsServer: RestartableNatsHandle | undefined
  stop(): Promise<void>
}

/**
 * A real nats-server, one gateway process in front of it and an admission stand-in that lets
 * every station in. stop() tears down whatever was started, also after a failed start.
 */
export async function startFixture(
  env: Record<string, string> = {},
  decide?: Decide,
  opts: { restartableNats?: boolean } = {},
): Promise<Fixture> {
  const stations: TestStation[] = []
  let nats: NatsHandle | undefined
  let natsServer: RestartableNatsHandle | undefined
  let nc: NatsConnection | undefined
  let gateway: GatewayProcess | undefined
  let admission: Subscription | undefined
  const stop = async () => {
    for (const s of stations) s.terminate()
    await gateway?.stop()
    await nc?.close()
    await nats?.stop()
  }
  try {
    if (opts.restartableNats) {
      natsServer = await startNats({ restartable: true })
      nats = natsServer
    } else nats = await startNats()
    // Reconnects for as long as a test keeps NATS down, like a service.
    nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
    admission = serveAdmission(nc, decide)
    await nc.flush()
    gateway = await startGatewayProcess(nats.url, env)
  } catch (error) {
    await stop()
    throw error
  }
  const g = gateway
  const n = nc
  return {
    nats,
    natsServer,
    nc,
    gateway: g,
    async setAdmission(next) {
      admission?.unsubscribe()
      admission = next === undefined ? undefined : serveAdmission(n, next)
      await n.flush()
    },
    async station(stationId, opts) {
      const s = await connectStation(n, g.url(stationId), stationId, opts)
      stations.push(s)
      return s
    },
    stop,
  }
}

/**
 * Connects a station and resolves once the gateway announced it (station.connected): the gateway
 * subscribes to the station's ocpp.out subject before it publishes that event, so CSMS calls
 * made after this reach the station. Without it a test races the gateway's SUB to nats-server.
 */
export async function connectStation(
  nc: NatsConnection,
  url: string,
  stationId: string,
  opts?: StationOptions,
): Promise<TestStation> {
  const announced = nc.subscribe(eventSubject('station', 'connected', stationId), { max: 1, timeout: 20_000 })
  await nc.flush()
  try {
    const station = await TestStation.connect(url, opts)
    for await (const _ of announced) break
    return station
  } finally {
    announced.unsubscribe()
  }
}

/**
 * Watches for the next station.disconnected event of a station. The gateway publishes it after it
 * dropped the station's ocpp.out interest, so a call made after it finds no responder. Resolves
 * once nats-server has the subscription (a flush), so an event that follows cannot be missed.
 */
export async function watchDisconnect(
  nc: NatsConnection,
  stationId: string,
): Promise<{ event: Promise<StationDisconnected> }> {
  const sub = nc.subscribe(eventSubject('station', 'disconnected', stationId), { max: 1, timeout: 60_000 })
  const event = (async () => {
    for await (const m of sub) return StationDisconnectedSchema.parse(m.json<{ data: unknown }>().data)
    throw new Error(`${stationId} was not disconnected`)
  })()
  // Handled by whoever awaits `event`; this only keeps an early failure from being "unhandled".
  event.catch(() => {})
  await nc.flush()
  return { event }
}
