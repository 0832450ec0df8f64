import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startNats } from '@csms/testkit'
import { type Server, startBareServer, startGatewayPod, startResponder } from './servers.js'
import { takeTurns } from './turns.js'

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
try {
  const perCall = await takeTurns(servers, { stations: 200, rounds, roundMs: 8_000, say: console.log })
  console.log(
    JSON.stringify({
      otherRoot,
      microsecondsPerCall: Object.fromEntries(
        Object.entries(perCall).map(([name, us]) => [name, us.map((x) => Number(x.toFixed(1)))]),
      ),
    }),
  )
} finally {
  for (const server of Object.values(servers)) await server.stop()
  await responder.stop()
  await nats.stop()
}
process.exit(0)
