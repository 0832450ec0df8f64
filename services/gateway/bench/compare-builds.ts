import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startNats } from '@csms/testkit'
import { connectAll, type Generator, runLoad, startGenerator, stopGenerators } from './generators.js'
import { cpuSeconds, loadAverage } from './proc-stats.js'
import { type Server, startBareServer, startGatewayPod, startResponder } from './servers.js'

// CPU per CALL of this build's gateway against another build's (a `git worktree` of an older
// commit, installed and built), and against the bare uWS server, in closed loop, taking turns
// so that all three see the same machine: on a shared VM the speed of a core moves by a
// quarter from one hour to the next, which separate runs cannot tell from a code change.
//
//   node dist/bench/compare-builds.js /path/to/other/checkout [rounds]
//
// The message log follows CSMS_GATEWAY_MESSAGE_LOG as the gateway does (on by default).

const otherRoot = resolve(process.argv[2] ?? '')
const rounds = Number(process.argv[3] ?? 4)
const other = (await import(pathToFileURL(`${otherRoot}/services/gateway/dist/bench/servers.js`).href)) as {
  startGatewayPod: typeof startGatewayPod
}

const nats = await startNats()
const responder = await startResponder(nats.url)
const servers: Record<string, Server> = {
  other: await other.startGatewayPod(nats.url, 'gw-other'),
  this: await startGatewayPod(nats.url, 'gw-this'),
  bare: await startBareServer(),
}
const gens: Record<string, Generator> = {}
const perCall: Record<string, number[]> = {}
try {
  let address = 2
  for (const [name, server] of Object.entries(servers)) {
    const gen = await startGenerator()
    gens[name] = gen
    perCall[name] = []
    await connectAll([gen], {
      baseUrls: [`ws://127.0.0.1:${server.port}/ocpp/`],
      prefix: name,
      count: 200,
      firstAddress: address++,
    })
    await runLoad([gen], { type: 'closedLoop', stations: 100, durationMs: 3_000 })
  }
  for (let round = 0; round < rounds; round++) {
    for (const [name, server] of Object.entries(servers)) {
      const cpu0 = cpuSeconds(server.pid)
      const r = await runLoad([gens[name] as Generator], {
        type: 'closedLoop',
        stations: 100,
        durationMs: 8_000,
      })
      const us = ((cpuSeconds(server.pid) - cpu0) / r.calls) * 1e6
      perCall[name]?.push(Number(us.toFixed(1)))
      console.log(
        `round ${round} ${name}: ${us.toFixed(1)} µs per CALL, ${r.perSecond.toFixed(0)}/s (load ${loadAverage()})`,
      )
    }
  }
  console.log(JSON.stringify({ otherRoot, microsecondsPerCall: perCall }))
} finally {
  await stopGenerators(Object.values(gens))
  for (const server of Object.values(servers)) await server.stop()
  await responder.stop()
  await nats.stop()
}
process.exit(0)
