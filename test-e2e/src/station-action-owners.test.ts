import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import {
  connectBus,
  createNatsRequester,
  type NatsRequester,
  ocppInSubject,
  readOcppReply,
  stationActionOwner,
  stationActionsHandled,
} from '@csms/bus'
import { actionInfo, actionsOf, OCPP_VERSIONS, type OcppVersion } from '@csms/ocpp'
import { type E2ePlatform, startE2ePlatform } from './platform-fixture.js'

// The gateway answers NotSupported, without asking NATS, to every station CALL that
// packages/bus's table says no service answers. This keeps that table equal to what the running
// services subscribe to: a missing entry would refuse a handled action, an extra one would turn
// NotSupported back into InternalError after "no responders".

const PROBE = 'E2E-OWNER-PROBE'
// Not JSON: every handler's runner refuses it (FormatViolation) before any domain logic runs.
const NOT_JSON = 'probe, not JSON'

/** Every action a station may start in this version, CALL or 2.1 SEND. */
function stationActions(version: OcppVersion): string[] {
  return actionsOf(version).filter((a) => actionInfo(version, a)?.sender !== 'csms')
}

type Probe = { action: string; listened: boolean; reply: string }

/** Whether anything subscribes to ocpp.in.<ver>.<action>.*: nats-server says 503 when nothing does. */
async function probe(requester: NatsRequester, version: OcppVersion, action: string): Promise<Probe> {
  const outcome = await requester.request(ocppInSubject(version, action, PROBE), NOT_JSON, {
    timeoutMs: 10_000,
  })
  if (!outcome.ok) return { action, listened: outcome.reason !== 'no_responders', reply: outcome.reason }
  const reply = readOcppReply(outcome.msg)
  return { action, listened: true, reply: reply.ok ? 'ok' : reply.code }
}

/** `csms_handler_duration_seconds_count{action,outcome="invalid"}` of one service: the probes it took. */
async function probesTaken(opsPort: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text()
  const taken = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (!line.startsWith('csms_handler_duration_seconds_count{') || !line.includes('outcome="invalid"'))
      continue
    const action = /action="([^"]+)"/.exec(line)?.[1]
    if (action) taken.set(action, Number(line.slice(line.lastIndexOf(' ') + 1)))
  }
  return taken
}

describe('the table of station actions each service answers (packages/bus) matches the services', () => {
  let stack: E2ePlatform
  let nc: Awaited<ReturnType<typeof connectBus>> | undefined
  let requester: NatsRequester
  const probes = new Map<OcppVersion, Probe[]>()

  before(async () => {
    stack = await startE2ePlatform()
    nc = await connectBus({ url: stack.natsUrl, name: 'e2e-owner-probe' })
    requester = createNatsRequester(nc)
    for (const version of OCPP_VERSIONS)
      probes.set(version, await Promise.all(stationActions(version).map((a) => probe(requester, version, a))))
  })
  after(async () => {
    requester?.close()
    await nc?.close()
    await stack?.stop()
  })

  for (const version of OCPP_VERSIONS) {
    it(`lists exactly the ${version} station actions some service subscribes to`, () => {
      const handled = stationActionsHandled(version)
      const seen = probes.get(version) ?? []
      const missing = seen.filter((p) => p.listened && !handled.has(p.action)).map((p) => p.action)
      const extra = seen.filter((p) => !p.listened && handled.has(p.action)).map((p) => p.action)
      assert.deepEqual(missing, [], `${version}: answered by a service but missing from the table`)
      assert.deepEqual(extra, [], `${version}: in the table but no service subscribes`)
      const outsider = [...handled].filter((a) => !seen.some((p) => p.action === a))
      assert.deepEqual(outsider, [], `${version}: in the table but not a station action of ${version}`)
      // A responder that is not a handler runner would not answer a non-JSON payload this way.
      for (const p of seen.filter((s) => s.listened))
        assert.equal(p.reply, 'FormatViolation', `${version} ${p.action}: ${p.reply}`)
    })
  }

  it('names the service that answers each action', async () => {
    // "<service> <action>" → in how many versions that service took the action's probe.
    const taken = new Map<string, number>()
    for (const [service, port] of stack.opsPorts) {
      for (const [action, n] of await probesTaken(port)) taken.set(`${service} ${action}`, n)
    }
    const expected = new Map<string, number>()
    for (const version of OCPP_VERSIONS) {
      for (const action of stationActionsHandled(version)) {
        const key = `${stationActionOwner(version, action)} ${action}`
        expected.set(key, (expected.get(key) ?? 0) + 1)
      }
    }
    const wrong = [...new Set([...taken.keys(), ...expected.keys()])]
      .filter((key) => taken.get(key) !== expected.get(key))
      .map(
        (key) =>
          `${key}: in ${expected.get(key) ?? 0} versions of the table, took ${taken.get(key) ?? 0} probes`,
      )
    assert.deepEqual(wrong, [])
  })
})
