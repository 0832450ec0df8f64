import assert from 'node:assert/strict'
import { waitFor } from '@csms/testkit'
import { type Payload, rpcErrorCodeOf, type StrictDriver, type StrictProtocol } from './strict-driver.js'
import { ALL_CARDS, bootNotification, type StrictHarness } from './strict-harness.js'

// Steps several strict flows share: provoking one CSMS CALL through the API, raw frames and
// their answers, the local list, certificates and the registration states.

/** Runs `work` and returns the params of the one `action` CALL it made the station handle. */
export async function provoke<T>(cs: StrictDriver, action: string, work: () => Promise<T>) {
  const from = cs.received.length
  const answer = await work()
  const calls = cs.received.slice(from).filter((c) => c.action === action)
  assert.equal(calls.length, 1, `${action} reached the station's handler ${calls.length} times`)
  return { answer, params: calls[0]?.params as Payload }
}

/**
 * Sends each raw frame and asserts the CALLERROR (or 2.1 CALLRESULTERROR, `type` 5) that answers
 * it: its id and one of the codes allowed.
 */
export async function expectCallErrors(
  cs: StrictDriver,
  cases: ReadonlyArray<readonly [text: string, expectId: string, codes: readonly string[]]>,
  type: 4 | 5 = 4,
): Promise<void> {
  for (const [text, expectId, codes] of cases) {
    const reply = await cs.sendRaw(text, expectId)
    assert.deepEqual(reply.slice(0, 2), [type, expectId], `${text} answered ${JSON.stringify(reply)}`)
    assert.ok(codes.includes(String(reply[2])), `${text} answered ${JSON.stringify(reply)}`)
  }
}

/**
 * Sends frames the CSMS must not answer, then a Heartbeat: the gateway answers a frame it cannot
 * accept as it reads it, so any answer to them would come before the Heartbeat's.
 */
export async function expectNoAnswer(cs: StrictDriver, texts: readonly string[]): Promise<void> {
  for (const text of texts) cs.sendUnanswered(text)
  await cs.call('Heartbeat', {})
  for (const text of texts) {
    const id = String((JSON.parse(text) as unknown[])[1])
    assert.equal(cs.sawFrameWithId(id), false, `${text} was answered`)
  }
}

/** A Reset from a station (the CSMS's to send) gets a NotImplemented or NotSupported CALLERROR. */
export async function expectResetRefused(cs: StrictDriver): Promise<void> {
  const type = cs.protocol === 'ocpp1.6' ? 'Hard' : 'Immediate'
  const code = await cs.refusal('Reset', { type })
  assert.ok(['NotImplemented', 'NotSupported'].includes(code), code)
}

/** A command the station refuses with its library's CALLERROR: the API answers 502 naming the code. */
export async function refusedCommand(h: StrictHarness, cs: StrictDriver): Promise<void> {
  const from = cs.received.length
  const res = await h.platform.api(`/v1/stations/${cs.id}/commands/CancelReservation`, {
    method: 'POST',
    body: JSON.stringify({ reservationId: 1 }),
  })
  const body = (await res.json()) as { ocppErrorCode?: string }
  assert.deepEqual([res.status, body.ocppErrorCode], [502, 'NotSupported'], JSON.stringify(body))
  assert.deepEqual(
    cs.received.slice(from).map((c) => c.action),
    ['CancelReservation'],
  )
}

/**
 * InstallCertificate with a certificate type of the station's version reaches it; the other
 * version's name for a root (an operator's slip) is refused with 400 and sends nothing, since
 * the station's schema has no such value. The same for listing certificates of that type.
 */
export async function certificateCommands(
  h: StrictHarness,
  cs: StrictDriver,
  types: { valid: string; otherVersion: string },
): Promise<void> {
  const certificate = '-----BEGIN CERTIFICATE-----\nMIIBstrict\n-----END CERTIFICATE-----\n'
  const path = `/v1/stations/${cs.id}/certificates`
  const installed = await provoke(cs, 'InstallCertificate', () =>
    h.send('POST', path, { certificateType: types.valid, certificate }),
  )
  assert.deepEqual(installed.params, { certificateType: types.valid, certificate })
  assert.deepEqual(installed.answer, { status: 'Accepted' })
  const from = cs.received.length
  const body = JSON.stringify({ certificateType: types.otherVersion, certificate })
  const refused = await h.platform.api(path, { method: 'POST', body })
  assert.equal(refused.status, 400, await refused.text())
  const listed = await h.platform.api(`${path}?type=${types.otherVersion}`)
  assert.equal(listed.status, 400, await listed.text())
  assert.deepEqual(cs.received.slice(from), [])
}

/** ALL_CARDS in the station's local list, sent as a Differential update and then in full. */
export async function localListsSent(h: StrictHarness, cs: StrictDriver): Promise<Payload[]> {
  const from = cs.received.length
  await h.send('PUT', `/v1/stations/${cs.id}/local-list`, { idTokens: ALL_CARDS })
  await waitFor(
    async () => {
      const list = await h.send<{ pendingChanges: number; version: number }>(
        'GET',
        `/v1/stations/${cs.id}/local-list`,
      )
      return list.pendingChanges === 0 && list.version > 0
    },
    { timeoutMs: 15_000, description: `the local list of ${cs.id} confirmed` },
  )
  const full = await h.send<{ outcome: string }>('POST', `/v1/stations/${cs.id}/local-list/sync`, {
    full: true,
  })
  assert.equal(full.outcome, 'Accepted')
  const lists = cs.received.slice(from).filter((c) => c.action === 'SendLocalList')
  assert.deepEqual(
    lists.map((c) => c.params.updateType),
    ['Differential', 'Full'],
  )
  return lists.map((c) => c.params)
}

/** B02: Pending with a retry interval; accepting it sends TriggerMessage BootNotification. */
export async function pendingThenAccepted(h: StrictHarness, protocol: StrictProtocol): Promise<void> {
  const id = h.stationId(protocol, 'PEND')
  await h.send('PUT', `/v1/stations/${id}/registration`, { status: 'Pending' })
  const cs = await h.connect(id, protocol)
  assert.equal(await bootNotification(cs), 'Pending')
  // The trigger goes only to a station the CSMS holds connected, which it may learn after the boot.
  await waitFor(
    async () => {
      const station = await h.send<{ registrationStatus?: string; connected: boolean }>(
        'GET',
        `/v1/stations/${id}`,
      )
      return station.registrationStatus === 'Pending' && station.connected
    },
    { timeoutMs: 15_000, description: `${id} recorded Pending and connected` },
  )
  const accepted = await provoke(cs, 'TriggerMessage', () =>
    h.send<{ triggerStatus: string | null }>('PUT', `/v1/stations/${id}/registration`, {
      status: 'Accepted',
    }),
  )
  assert.deepEqual(
    [accepted.params, accepted.answer.triggerStatus],
    [{ requestedMessage: 'BootNotification' }, 'Accepted'],
  )
  assert.equal(await bootNotification(cs), 'Accepted')
  cs.assertConformant()
}

/** B03: Rejected with a retry interval; what the station sends next gets an answer or a well-formed CALLERROR. */
export async function rejected(h: StrictHarness, protocol: StrictProtocol): Promise<void> {
  const id = h.stationId(protocol, 'REJ')
  await h.send('PUT', `/v1/stations/${id}/registration`, { status: 'Rejected' })
  const cs = await h.connect(id, protocol)
  assert.equal(await bootNotification(cs), 'Rejected')
  await cs.call('Heartbeat', {}).catch((error: unknown) => {
    assert.ok(rpcErrorCodeOf(error), String(error))
  })
  cs.assertConformant()
}
