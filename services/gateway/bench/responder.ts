import { authenticateStationRpc, ocppInPattern, serveRpc } from '@csms/bus'
import { connect } from '@nats-io/transport-node'

// The services the benchmark needs, reduced to nothing: an auth service that admits everyone
// and a device-management that answers Heartbeat with the time. Its own process, so its CPU
// does not count as the gateway's.

const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' })
serveRpc(nc, authenticateStationRpc, async () => ({
  accepted: true as const,
  registered: false,
  requiredProfile: 0 as const,
}))
for (const version of ['v16', 'v201', 'v21'] as const) {
  nc.subscribe(ocppInPattern(version, 'Heartbeat'), {
    queue: 'device-management',
    callback: (_err, msg) => {
      msg.respond(`{"currentTime":"${new Date().toISOString()}"}`)
    },
  })
}
await nc.flush()
process.send?.('ready')
process.on('SIGTERM', () => void nc.drain().then(() => process.exit(0)))
