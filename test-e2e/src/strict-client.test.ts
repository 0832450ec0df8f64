import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { waitFor } from '@csms/testkit'
import { type E2ePlatform, startE2ePlatform } from './platform-fixture.js'
import {
  aMeterValue,
  answerAsV16Station,
  answerAsV201Station,
  aTransactionEvent,
  aV16MeterValue,
  now,
  v201Notifications,
} from './strict-payloads.js'
import { type Payload, type StrictProtocol, StrictStation } from './strict-station.js'

// The platform judged from outside: ocpp-rpc, an OCPP library written independently of it, plays
// the charging station in strict mode. A CALLRESULT that breaks the official schema rejects the
// station's call; a CSMS CALL that breaks it is answered with a CALLERROR and never reaches the
// handler, so every command here asserts both that the handler ran with the expected params and
// that the API returned the station's answer. Frame rules strict mode leaves unchecked (error
// codes, message ids) are checked by StrictStation; each test ends asserting no violation.
// strict-station.test.ts shows that a CSMS breaking these rules does fail such a test.

const TAG = '04A1B2C3D4E5F6'
const ID_TOKEN = { idToken: TAG, type: 'ISO14443' }
// Cards in groups only OCPP 2.1 can write (a type of its own, an id over 36 characters): what a
// 2.0.1 station is sent about them must still fit 2.0.1's IdTokenType; a 2.1 station gets them.
const FLEET_CARD = { idToken: 'STRICT-FLEET-CARD', type: 'Central' }
const FLEET_GROUP = { idToken: 'FLEET-1', type: 'Fleet' }
const LONG_GROUP_CARD = { idToken: 'STRICT-LONG-GROUP', type: 'Central' }
const LONG_GROUP = { idToken: 'FLEET-ACME-LOGISTICS-EUROPE-NORTH-0042', type: 'Central' }
const ALL_CARDS = [ID_TOKEN, FLEET_CARD, LONG_GROUP_CARD]
const PASSWORD = 'strict-mode-password-1'
/** The 2.x versions the same flows run in, and the prefix of their stations' ids. */
const V2_STATIONS = [
  ['ocpp2.0.1', 'STRICT-201'],
  ['ocpp2.1', 'STRICT-21'],
] as const
type Job = { requestId: number; status: string; kind: string }

describe('an independent OCPP library in strict mode accepts everything the CSMS sends', () => {
  let platform: E2ePlatform
  const stations: StrictStation[] = []

  before(async () => {
    platform = await startE2ePlatform({
      CSMS_API_COMMAND_TIMEOUT_MS: '10000',
      CSMS_SC_TX_DEFAULT_DELAY_MS: '100',
    })
    // A tariff makes TransactionEvent answers carry a totalCost and the CSMS send CostUpdated.
    await send('PUT', '/v1/tariffs/STRICT', {
      scope: 'default',
      currency: 'EUR',
      pricePerKwh: 0.4,
      pricePerMinute: 0,
    })
    // A stored token makes Authorize answer a full idTokenInfo (group, message, priority).
    await send('PUT', `/v1/id-tokens/${TAG}`, {
      type: 'ISO14443',
      status: 'Accepted',
      expiresAt: now(86_400),
      groupIdToken: { idToken: 'STRICT-GROUP', type: 'Central' },
      language1: 'en',
      chargingPriority: 1,
      personalMessage: { format: 'UTF8', language: 'en', content: 'Welcome' },
    })
    for (const [card, groupIdToken] of [
      [FLEET_CARD, FLEET_GROUP],
      [LONG_GROUP_CARD, LONG_GROUP],
    ] as const)
      await send('PUT', `/v1/id-tokens/${card.idToken}`, {
        type: card.type,
        status: 'Accepted',
        groupIdToken,
      })
    await send('PUT', '/v1/sites/STRICT-SITE', { limitW: 22_000 })
    for (const id of ['STRICT-201-PW', 'STRICT-21-PW', 'STRICT-16-PW'])
      await send('PUT', `/v1/stations/${id}`, { password: PASSWORD })
    for (const id of ['STRICT-201-BAL', 'STRICT-21-BAL', 'STRICT-16-BAL'])
      await send('PUT', `/v1/stations/${id}`, { password: PASSWORD, siteId: 'STRICT-SITE' })
  })
  after(async () => {
    for (const s of stations) await s.close()
    await platform?.stop()
  })

  /** An operator API call that must succeed (200, or 201 for jobs); the body as JSON. */
  async function send<T = Payload>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await platform.api(path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    assert.ok(res.status === 200 || res.status === 201, `${method} ${path}: HTTP ${res.status} ${text}`)
    return JSON.parse(text) as T
  }

  /** A CSMS-initiated call through the generic command route: the station's answer comes back. */
  const command = (id: string, action: string, payload: Payload) =>
    send('POST', `/v1/stations/${id}/commands/${action}`, payload)

  /** A connected station that answers every CALL the tests provoke. */
  async function connect(id: string, protocol: StrictProtocol, password?: string): Promise<StrictStation> {
    const cs = await StrictStation.connect(platform.gatewayUrl, id, protocol, password)
    stations.push(cs)
    if (protocol === 'ocpp1.6') answerAsV16Station(cs)
    else answerAsV201Station(cs)
    return cs
  }

  /** A booted station (BootNotification Accepted) that the API reports connected. */
  async function boot(id: string, protocol: StrictProtocol, password?: string): Promise<StrictStation> {
    const cs = await connect(id, protocol, password)
    assert.equal(await bootNotification(cs), 'Accepted')
    await waitFor(
      async () => {
        const res = await platform.api(`/v1/stations/${id}`)
        return res.status === 200 && ((await res.json()) as { connected: boolean }).connected
      },
      { timeoutMs: 15_000, description: `${id} reported connected` },
    )
    return cs
  }

  /** B02: Pending with a retry interval; accepting it sends TriggerMessage BootNotification. */
  async function pendingThenAccepted(id: string, protocol: StrictProtocol): Promise<void> {
    await send('PUT', `/v1/stations/${id}/registration`, { status: 'Pending' })
    const cs = await connect(id, protocol)
    assert.equal(await bootNotification(cs), 'Pending')
    await waitFor(
      async () =>
        (await send<{ registrationStatus?: string }>('GET', `/v1/stations/${id}`)).registrationStatus ===
        'Pending',
      { timeoutMs: 15_000, description: `${id} recorded Pending` },
    )
    const accepted = await provoke(cs, 'TriggerMessage', () =>
      send<{ triggerStatus: string | null }>('PUT', `/v1/stations/${id}/registration`, {
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

  /** B03: Rejected with a retry interval; what the station sends next gets a well-formed CALLERROR or an answer. */
  async function rejected(id: string, protocol: StrictProtocol): Promise<void> {
    await send('PUT', `/v1/stations/${id}/registration`, { status: 'Rejected' })
    const cs = await connect(id, protocol)
    assert.equal(await bootNotification(cs), 'Rejected')
    await cs.call('Heartbeat', {}).catch((error: { rpcErrorCode?: string }) => {
      assert.ok(error.rpcErrorCode, String(error))
    })
    cs.assertConformant()
  }

  /**
   * InstallCertificate with a certificate type of the station's version reaches it; the other
   * version's name for a root (an operator's slip) is refused with 400 and sends nothing, since
   * the station's schema has no such value. The same for listing certificates of that type.
   */
  async function certificateCommands(cs: StrictStation, types: { valid: string; otherVersion: string }) {
    const certificate = '-----BEGIN CERTIFICATE-----\nMIIBstrict\n-----END CERTIFICATE-----\n'
    const path = `/v1/stations/${cs.id}/certificates`
    const installed = await provoke(cs, 'InstallCertificate', () =>
      send('POST', path, { certificateType: types.valid, certificate }),
    )
    assert.deepEqual(installed.params, { certificateType: types.valid, certificate })
    assert.deepEqual(installed.answer, { status: 'Accepted' })
    const from = cs.received.length
    const body = JSON.stringify({ certificateType: types.otherVersion, certificate })
    const refused = await platform.api(path, { method: 'POST', body })
    assert.equal(refused.status, 400, await refused.text())
    const listed = await platform.api(`${path}?type=${types.otherVersion}`)
    assert.equal(listed.status, 400, await listed.text())
    assert.deepEqual(cs.received.slice(from), [])
  }

  /** Waits until the station confirmed its local list (sent in the background after a change). */
  async function listSynced(id: string): Promise<void> {
    await waitFor(
      async () => {
        const list = await send<{ pendingChanges: number; version: number }>(
          'GET',
          `/v1/stations/${id}/local-list`,
        )
        return list.pendingChanges === 0 && list.version > 0
      },
      { timeoutMs: 15_000, description: `the local list of ${id} confirmed` },
    )
  }
  /** The station's cards in its local list, sent as a Differential update and then in full. */
  async function localListsSent(cs: StrictStation) {
    const from = cs.received.length
    await send('PUT', `/v1/stations/${cs.id}/local-list`, { idTokens: ALL_CARDS })
    await listSynced(cs.id)
    const full = await send<{ outcome: string }>('POST', `/v1/stations/${cs.id}/local-list/sync`, {
      full: true,
    })
    assert.equal(full.outcome, 'Accepted')
    const lists = cs.received.slice(from).filter((c) => c.action === 'SendLocalList')
    assert.deepEqual(
      lists.map((c) => c.params.updateType),
      ['Differential', 'Full'],
    )
    return lists
  }

  /** The one CALL of `action` the station received since `from`, after the API returned. */
  function onlyCall(cs: StrictStation, action: string, from: number): Payload {
    const calls = cs.received.slice(from).filter((c) => c.action === action)
    assert.equal(calls.length, 1, `${action} reached the station's handler ${calls.length} times`)
    return calls[0]?.params as Payload
  }

  /** Runs `work` and returns the params of the one `action` CALL it made the station handle. */
  async function provoke<T>(cs: StrictStation, action: string, work: () => Promise<T>) {
    const from = cs.received.length
    const answer = await work()
    return { answer, params: onlyCall(cs, action, from) }
  }

  for (const [protocol, prefix] of V2_STATIONS) {
    const v21 = protocol === 'ocpp2.1'
    /** A group only 2.1's IdTokenType can carry: a 2.0.1 station is sent the card without it. */
    const groupFor = (group: Payload) => (v21 ? group : undefined)
    describe(`OCPP ${protocol.slice(4)}`, () => {
      let cs: StrictStation

      it('boots: BootNotification Accepted with an interval, Heartbeat, StatusNotification', async () => {
        cs = await boot(prefix, protocol)
        const beat = await cs.call<{ currentTime: string }>('Heartbeat', {})
        assert.ok(Math.abs(Date.parse(beat.currentTime) - Date.now()) < 60_000)
        for (const evseId of [1, 2]) {
          const status = { timestamp: now(), connectorStatus: 'Available', evseId, connectorId: 1 }
          assert.deepEqual(await cs.call('StatusNotification', status), {})
        }
        cs.assertConformant()
      })

      it('answers the station-initiated notifications and requests with schema-valid CALLRESULTs', async () => {
        const auth = await cs.call<{ idTokenInfo: Payload }>('Authorize', { idToken: ID_TOKEN })
        assert.equal(auth.idTokenInfo.status, 'Accepted')
        assert.deepEqual(auth.idTokenInfo.groupIdToken, { idToken: 'STRICT-GROUP', type: 'Central' })
        for (const [card, group] of [
          [FLEET_CARD, FLEET_GROUP],
          [LONG_GROUP_CARD, LONG_GROUP],
        ] as const) {
          const grouped = await cs.call<{ idTokenInfo: Payload }>('Authorize', { idToken: card })
          assert.equal(grouped.idTokenInfo.status, 'Accepted')
          assert.deepEqual(grouped.idTokenInfo.groupIdToken, groupFor(group), card.idToken)
        }
        assert.deepEqual(await cs.call('MeterValues', { evseId: 1, meterValue: [aMeterValue(1_000)] }), {})
        for (const [action, payload] of v201Notifications())
          assert.deepEqual(await cs.call(action, payload), {}, action)

        const needs = await cs.call<{ status: string }>('NotifyEVChargingNeeds', {
          evseId: 1,
          chargingNeeds: {
            requestedEnergyTransfer: 'AC_three_phase',
            acChargingParameters: {
              energyAmount: 20_000,
              evMinCurrent: 6,
              evMaxCurrent: 32,
              evMaxVoltage: 400,
            },
          },
        })
        assert.ok(['Accepted', 'Rejected', 'Processing'].includes(needs.status), needs.status)
        const schedule = await cs.call<{ status: string }>('NotifyEVChargingSchedule', {
          timeBase: now(),
          evseId: 1,
          chargingSchedule: {
            id: 1,
            chargingRateUnit: 'A',
            chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }],
          },
        })
        assert.ok(['Accepted', 'Rejected'].includes(schedule.status), schedule.status)
        const transfer = await cs.call<{ status: string }>('DataTransfer', {
          vendorId: 'com.example.strict',
          messageId: 'Hello',
          data: 'x',
        })
        assert.ok(['Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId'].includes(transfer.status))
        cs.assertConformant()
      })

      it('answers the certificate requests of a station without a CA with schema-valid refusals', async () => {
        const status = await cs.call<{ status: string }>('GetCertificateStatus', {
          ocspRequestData: {
            hashAlgorithm: 'SHA256',
            issuerNameHash: 'a'.repeat(64),
            issuerKeyHash: 'b'.repeat(64),
            serialNumber: '1234',
            responderURL: 'http://127.0.0.1:9/ocsp',
          },
        })
        assert.ok(['Accepted', 'Failed'].includes(status.status), status.status)
        const signed = await cs.call<{ status: string }>('SignCertificate', {
          csr: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----',
          certificateType: 'ChargingStationCertificate',
        })
        assert.ok(['Accepted', 'Rejected'].includes(signed.status), signed.status)
        const ev = await cs.call<{ status: string }>('Get15118EVCertificate', {
          iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef',
          action: 'Install',
          exiRequest: 'AAAA',
        })
        assert.ok(['Accepted', 'Failed'].includes(ev.status), ev.status)
        // Plug & Charge Authorize (C07): a contract the CSMS cannot check is Invalid, with the reason.
        const contract = await cs.call<{ idTokenInfo: Payload; certificateStatus?: string }>('Authorize', {
          idToken: { idToken: 'DEACMC123456789', type: 'eMAID' },
          iso15118CertificateHashData: [
            {
              hashAlgorithm: 'SHA256',
              issuerNameHash: 'a'.repeat(64),
              issuerKeyHash: 'b'.repeat(64),
              serialNumber: '1234',
              responderURL: 'http://127.0.0.1:9/ocsp',
            },
          ],
        })
        assert.equal(typeof contract.certificateStatus, 'string')
        cs.assertConformant()
      })

      it('refuses a CALL no service answers with a well-formed NotImplemented or NotSupported', async () => {
        // Reset is the CSMS's to send: a station sending it gets a CALLERROR, which must be one of
        // the OCPP-J codes (StrictStation checks the frame) and reject the call with that code.
        const refused = await cs.call('Reset', { type: 'Immediate' }).then(
          () => assert.fail('Reset from a station was answered with a CALLRESULT'),
          (error: { rpcErrorCode?: string }) => error,
        )
        assert.ok(['NotImplemented', 'NotSupported'].includes(String(refused.rpcErrorCode)), String(refused))
        cs.assertConformant()
      })

      it(`answers broken and unknown CALLs with CALLERRORs spelled as OCPP ${protocol.slice(4)} prescribes`, async () => {
        await expectCallErrors(cs, [
          ['[2,"raw-1","FooBar",{}]', 'raw-1', ['NotImplemented']],
          ['[2,"raw-2","BootNotification",{"reason":"PowerUp"}]', 'raw-2', ['OccurrenceConstraintViolation']],
          [
            '[2,"raw-3","Heartbeat",{"extra":1}]',
            'raw-3',
            ['PropertyConstraintViolation', 'FormatViolation'],
          ],
          // A payload that is no object does not "conform the PDU structure" (ProtocolError).
          [
            '[2,"raw-4","Heartbeat",[]]',
            'raw-4',
            ['ProtocolError', 'TypeConstraintViolation', 'FormatViolation'],
          ],
          ['[2,"raw-5",', '-1', ['RpcFrameworkError', 'FormatViolation', 'ProtocolError']],
        ])
        cs.assertConformant()
      })

      it(`answers SEND, CALLRESULTERROR and broken CALLRESULT frames as OCPP ${protocol.slice(4)} prescribes`, async () => {
        const stream = { id: 1, pending: 0, basetime: now(), data: [{ t: 0, v: '11000' }] }
        const send = `[6,"send-1","NotifyPeriodicEventStream",${JSON.stringify(stream)}]`
        const resultError = '[5,"cre-1","FormatViolation","bad CALLRESULT",{}]'
        const [incomplete, notObject] = ['[3,"res-1"]', '[3,"res-2",[]]'] as const
        if (v21) {
          // 2.1 part 4 §4.1.3, §4.2.4: SEND and CALLRESULTERROR are never answered, an unknown
          // message type is ignored, and a broken CALLRESULT gets a CALLRESULTERROR.
          await expectNoAnswer(cs, [
            send,
            '[6,"send-2","NotifyPeriodicEventStream",{"id":-1}]',
            '[6,"send-3","Heartbeat",{}]',
            resultError,
            '[7,"type-7",{}]',
          ])
          await expectCallErrors(
            cs,
            [
              [incomplete, 'res-1', ['RpcFrameworkError']],
              [notObject, 'res-2', ['ProtocolError']],
            ],
            5,
          )
        } else {
          // 2.0.1 part 4 §4.4: message types it does not define get MessageTypeNotSupported; an
          // answer, even a broken one, is not answered.
          await expectCallErrors(cs, [
            [send, 'send-1', ['MessageTypeNotSupported']],
            [resultError, 'cre-1', ['MessageTypeNotSupported']],
          ])
          await expectNoAnswer(cs, [incomplete, notObject])
        }
        cs.assertConformant()
      })

      it('answers a Pending station, triggers its BootNotification once accepted, and refuses a Rejected one', async () => {
        await pendingThenAccepted(`${prefix}-PEND`, protocol)
        await rejected(`${prefix}-REJ`, protocol)
      })

      it('sends device-management commands the schemas accept and returns the answers', async () => {
        const hb = { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }
        const get = await provoke(cs, 'GetVariables', () =>
          command(cs.id, 'GetVariables', { getVariableData: [hb] }),
        )
        assert.deepEqual(get.params, { getVariableData: [hb] })
        assert.deepEqual(get.answer, {
          getVariableResult: [
            { attributeStatus: 'Accepted', attributeType: 'Actual', attributeValue: '300', ...hb },
          ],
        })
        const set = await provoke(cs, 'SetVariables', () =>
          command(cs.id, 'SetVariables', { setVariableData: [{ ...hb, attributeValue: '120' }] }),
        )
        assert.deepEqual(set.params, { setVariableData: [{ ...hb, attributeValue: '120' }] })
        assert.deepEqual(set.answer, {
          setVariableResult: [{ attributeStatus: 'Accepted', attributeType: 'Actual', ...hb }],
        })
        for (const [action, payload, answer] of [
          [
            'TriggerMessage',
            { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } },
            { status: 'Accepted' },
          ],
          ['Reset', { type: 'OnIdle' }, { status: 'Scheduled' }],
          ['ChangeAvailability', { operationalStatus: 'Operative', evse: { id: 1 } }, { status: 'Accepted' }],
          ['UnlockConnector', { evseId: 1, connectorId: 1 }, { status: 'Unlocked' }],
        ] as const) {
          const sent = await provoke(cs, action, () => command(cs.id, action, payload))
          assert.deepEqual(sent.params, payload, action)
          assert.deepEqual(sent.answer, answer, action)
        }

        const report = await provoke(cs, 'GetBaseReport', () =>
          send<Job>('POST', `/v1/stations/${cs.id}/reports`, { reportBase: 'ConfigurationInventory' }),
        )
        assert.deepEqual(report.params, {
          requestId: report.answer.requestId,
          reportBase: 'ConfigurationInventory',
        })
        const firmware = {
          location: 'https://firmware.example.com/strict-2.0.0.bin',
          retrieveDateTime: now(),
        }
        const update = await provoke(cs, 'UpdateFirmware', () =>
          send<Job>('POST', `/v1/stations/${cs.id}/firmware-updates`, { firmware, retries: 2 }),
        )
        assert.equal(update.params.requestId, update.answer.requestId)
        assert.equal((update.params.firmware as Payload).location, firmware.location)
        const log = await provoke(cs, 'GetLog', () =>
          send<Job>('POST', `/v1/stations/${cs.id}/log-uploads`, {
            logType: 'DiagnosticsLog',
            remoteLocation: 'https://logs.example.com/upload',
          }),
        )
        assert.deepEqual(log.params, {
          requestId: log.answer.requestId,
          logType: 'DiagnosticsLog',
          log: { remoteLocation: 'https://logs.example.com/upload' },
        })
        assert.deepEqual(
          [report.answer.status, update.answer.status, log.answer.status],
          ['Accepted', 'Accepted', 'Accepted'],
        )
        cs.assertConformant()
      })

      it('sends authorization and certificate commands the schemas accept', async () => {
        const clear = await provoke(cs, 'ClearCache', () => command(cs.id, 'ClearCache', {}))
        assert.deepEqual([clear.params, clear.answer], [{}, { status: 'Accepted' }])
        const certs = await provoke(cs, 'GetInstalledCertificateIds', () =>
          send<{ status: string }>('GET', `/v1/stations/${cs.id}/certificates`),
        )
        assert.equal(certs.answer.status, 'NotFound')
        await certificateCommands(cs, {
          valid: 'CSMSRootCertificate',
          otherVersion: 'CentralSystemRootCertificate',
        })

        // The local list goes to the station in the background, then a full sync on request.
        const lists = await localListsSent(cs)
        for (const list of lists) {
          const entries = list.params.localAuthorizationList as Array<{
            idToken: Payload
            idTokenInfo: Payload
          }>
          const groups = new Map(entries.map((e) => [e.idToken.idToken, e.idTokenInfo.groupIdToken]))
          assert.deepEqual(
            groups,
            new Map([
              [TAG, { idToken: 'STRICT-GROUP', type: 'Central' }],
              [FLEET_CARD.idToken, groupFor(FLEET_GROUP)],
              [LONG_GROUP_CARD.idToken, groupFor(LONG_GROUP)],
            ]),
          )
          assert.ok(entries.every((e) => e.idTokenInfo.status === 'Accepted'))
        }

        // Password rotation (A01) writes SecurityCtrlr.BasicAuthPassword with SetVariables.
        const pw = await boot(`${prefix}-PW`, protocol, PASSWORD)
        const rotated = await provoke(pw, 'SetVariables', () =>
          send<{ status: string; password: string }>('POST', `/v1/stations/${pw.id}/password-rotation`, {}),
        )
        assert.equal(rotated.answer.status, 'confirmed')
        assert.deepEqual(rotated.params, {
          setVariableData: [
            {
              attributeType: 'Actual',
              attributeValue: rotated.answer.password,
              component: { name: 'SecurityCtrlr' },
              variable: { name: 'BasicAuthPassword' },
            },
          ],
        })
        pw.assertConformant()
        cs.assertConformant()
      })

      it('sends smart-charging commands the schemas accept', async () => {
        const profile = {
          id: 77,
          stackLevel: 0,
          chargingProfilePurpose: 'TxDefaultProfile',
          chargingProfileKind: 'Absolute',
          chargingSchedule: [
            {
              id: 1,
              startSchedule: now(),
              chargingRateUnit: 'A',
              chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }],
            },
          ],
        }
        const set = await provoke(cs, 'SetChargingProfile', () =>
          send('POST', `/v1/stations/${cs.id}/charging-profiles`, { evseId: 1, chargingProfile: profile }),
        )
        assert.deepEqual(
          [set.params, set.answer],
          [{ evseId: 1, chargingProfile: profile }, { status: 'Accepted' }],
        )
        const report = await provoke(cs, 'GetChargingProfiles', () =>
          send<{ requestId: number; response: Payload }>(
            'POST',
            `/v1/stations/${cs.id}/charging-profiles/report`,
            {
              evseId: 1,
              criteria: { chargingProfilePurpose: 'TxDefaultProfile' },
            },
          ),
        )
        assert.deepEqual(report.params, {
          requestId: report.answer.requestId,
          evseId: 1,
          chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile' },
        })
        assert.deepEqual(report.answer.response, { status: 'NoProfiles' })
        const composite = await provoke(cs, 'GetCompositeSchedule', () =>
          send('POST', `/v1/stations/${cs.id}/composite-schedule`, { evseId: 1, duration: 3_600, unit: 'A' }),
        )
        assert.deepEqual(composite.params, { evseId: 1, duration: 3_600, chargingRateUnit: 'A' })
        const clear = await provoke(cs, 'ClearChargingProfile', () =>
          send('DELETE', `/v1/stations/${cs.id}/charging-profiles?chargingProfileId=77`),
        )
        assert.deepEqual([clear.params, clear.answer], [{ chargingProfileId: 77 }, { status: 'Accepted' }])
        cs.assertConformant()
      })

      it('starts and stops a session remotely: TransactionEvents, CostUpdated, GetTransactionStatus', async () => {
        const start = await provoke(cs, 'RequestStartTransaction', () =>
          send<{ remoteStartId: number; status: string; stationResponse: Payload }>(
            'POST',
            '/v1/transactions',
            {
              stationId: cs.id,
              evseId: 1,
              idToken: ID_TOKEN,
            },
          ),
        )
        const remoteStartId = start.answer.remoteStartId
        assert.deepEqual(start.params, { remoteStartId, idToken: ID_TOKEN, evseId: 1 })
        assert.deepEqual(start.answer.stationResponse, { status: 'Accepted' })

        const tx = { transactionId: `${prefix}-TX`, idToken: ID_TOKEN }
        const started = await cs.call<{ idTokenInfo?: Payload; totalCost?: number }>(
          'TransactionEvent',
          aTransactionEvent({
            ...tx,
            seqNo: 0,
            eventType: 'Started',
            triggerReason: 'RemoteStart',
            remoteStartId,
            registerWh: 1_000,
          }),
        )
        assert.equal(started.idTokenInfo?.status, 'Accepted')
        // 2.0.1: totalCost "SHALL only be sent when charging has ended", the running cost comes as
        // CostUpdated; 2.1 answers an Updated event with the running cost as well.
        const updated = await cs.call<{ totalCost?: number }>(
          'TransactionEvent',
          aTransactionEvent({
            transactionId: tx.transactionId,
            seqNo: 1,
            eventType: 'Updated',
            triggerReason: 'MeterValuePeriodic',
            registerWh: 3_500,
          }),
        )
        assert.equal(typeof updated.totalCost, v21 ? 'number' : 'undefined')
        const cost = await waitFor(() => cs.callsOf('CostUpdated')[0], {
          timeoutMs: 10_000,
          description: 'CostUpdated for the running session',
        })
        assert.equal(cost.transactionId, tx.transactionId)

        const status = await provoke(cs, 'GetTransactionStatus', () =>
          command(cs.id, 'GetTransactionStatus', { transactionId: tx.transactionId }),
        )
        assert.deepEqual(status.answer, { ongoingIndicator: true, messagesInQueue: false })
        const stop = await provoke(cs, 'RequestStopTransaction', () =>
          send<{ status: string }>('POST', `/v1/transactions/${tx.transactionId}/stop?stationId=${cs.id}`),
        )
        assert.deepEqual([stop.params, stop.answer.status], [{ transactionId: tx.transactionId }, 'Accepted'])
        const ended = await cs.call<{ totalCost?: number }>(
          'TransactionEvent',
          aTransactionEvent({
            ...tx,
            seqNo: 2,
            eventType: 'Ended',
            triggerReason: 'RemoteStop',
            registerWh: 6_000,
          }),
        )
        assert.equal(typeof ended.totalCost, 'number')
        const session = await send<{ state: string; energyWh: number }>(
          'GET',
          `/v1/transactions/${tx.transactionId}?stationId=${cs.id}`,
        )
        assert.deepEqual([session.state, session.energyWh], ['ended', 5_000])
        cs.assertConformant()
      })

      it("takes the site balancer's charging profiles: TxDefaultProfile at boot, TxProfile per session", async () => {
        const bal = await boot(`${prefix}-BAL`, protocol, PASSWORD)
        await bal.call('StatusNotification', {
          timestamp: now(),
          connectorStatus: 'Available',
          evseId: 1,
          connectorId: 1,
        })
        const profiles = (purpose: string) =>
          bal
            .callsOf('SetChargingProfile')
            .filter((p) => (p.chargingProfile as Payload).chargingProfilePurpose === purpose)
        await waitFor(() => profiles('TxDefaultProfile').length > 0, {
          timeoutMs: 20_000,
          description: 'the TxDefaultProfile of the balanced site',
        })
        const started = await bal.call<{ idTokenInfo: Payload }>(
          'TransactionEvent',
          aTransactionEvent({
            transactionId: `${prefix}-TX-BAL`,
            seqNo: 0,
            eventType: 'Started',
            triggerReason: 'Authorized',
            idToken: FLEET_CARD,
            registerWh: 0,
          }),
        )
        assert.deepEqual(
          [started.idTokenInfo.status, started.idTokenInfo.groupIdToken],
          ['Accepted', groupFor(FLEET_GROUP)],
        )
        const txProfile = await waitFor(() => profiles('TxProfile')[0], {
          timeoutMs: 20_000,
          description: "the balancer's TxProfile for the session",
        })
        assert.equal((txProfile.chargingProfile as Payload).transactionId, `${prefix}-TX-BAL`)
        bal.assertConformant()
      })
    })
  }

  describe('OCPP 1.6', () => {
    let cs: StrictStation

    it('boots: BootNotification Accepted with an interval, Heartbeat, StatusNotification', async () => {
      cs = await boot('STRICT-16', 'ocpp1.6')
      const beat = await cs.call<{ currentTime: string }>('Heartbeat', {})
      assert.ok(Math.abs(Date.parse(beat.currentTime) - Date.now()) < 60_000)
      for (const connectorId of [0, 1]) {
        const status = { connectorId, errorCode: 'NoError', status: 'Available', timestamp: now() }
        assert.deepEqual(await cs.call('StatusNotification', status), {})
      }
      cs.assertConformant()
    })

    it('answers the station-initiated CALLs with schema-valid CALLRESULTs', async () => {
      const auth = await cs.call<{ idTagInfo: Payload }>('Authorize', { idTag: TAG })
      assert.equal(auth.idTagInfo.status, 'Accepted')
      assert.equal(auth.idTagInfo.parentIdTag, 'STRICT-GROUP')
      for (const [card, parent] of [
        [FLEET_CARD, FLEET_GROUP.idToken],
        [LONG_GROUP_CARD, undefined],
      ] as const) {
        const grouped = await cs.call<{ idTagInfo: Payload }>('Authorize', { idTag: card.idToken })
        assert.deepEqual([grouped.idTagInfo.status, grouped.idTagInfo.parentIdTag], ['Accepted', parent])
      }
      const transfer = await cs.call<{ status: string }>('DataTransfer', {
        vendorId: 'com.example.strict',
        messageId: 'Hello',
        data: 'x',
      })
      assert.ok(['Accepted', 'Rejected', 'UnknownMessageId', 'UnknownVendorId'].includes(transfer.status))
      for (const [action, payload] of [
        ['DiagnosticsStatusNotification', { status: 'Idle' }],
        ['FirmwareStatusNotification', { status: 'Idle' }],
        ['SecurityEventNotification', { type: 'SettingSystemTime', timestamp: now() }],
        ['LogStatusNotification', { status: 'Idle' }],
        ['SignedFirmwareStatusNotification', { status: 'Idle' }],
      ] as const) {
        assert.deepEqual(await cs.call(action, payload), {}, action)
      }
      const signed = await cs.call<{ status: string }>('SignCertificate', {
        csr: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----',
      })
      assert.ok(['Accepted', 'Rejected'].includes(signed.status), signed.status)
      const refused = await cs.call('Reset', { type: 'Hard' }).then(
        () => assert.fail('Reset from a station was answered with a CALLRESULT'),
        (error: { rpcErrorCode?: string }) => error,
      )
      assert.ok(['NotImplemented', 'NotSupported'].includes(String(refused.rpcErrorCode)), String(refused))
      cs.assertConformant()
    })

    it('answers broken and unknown CALLs with CALLERRORs spelled as OCPP-J 1.6 prescribes', async () => {
      await expectCallErrors(cs, [
        ['[2,"raw-1","FooBar",{}]', 'raw-1', ['NotImplemented']],
        [
          '[2,"raw-2","BootNotification",{"chargePointVendor":"Strict"}]',
          'raw-2',
          ['OccurenceConstraintViolation'],
        ],
        [
          '[2,"raw-3","StatusNotification",{"connectorId":"1","errorCode":"NoError","status":"Available"}]',
          'raw-3',
          ['TypeConstraintViolation'],
        ],
        ['[2,"raw-4",', '-1', ['FormationViolation', 'ProtocolError', 'GenericError']],
      ])
      cs.assertConformant()
    })

    it('answers a Pending station, triggers its BootNotification once accepted, and refuses a Rejected one', async () => {
      await pendingThenAccepted('STRICT-16-PEND', 'ocpp1.6')
      await rejected('STRICT-16-REJ', 'ocpp1.6')
    })

    it('sends the operator commands the 1.6 schemas accept and returns the answers', async () => {
      const profile = {
        chargingProfileId: 61,
        stackLevel: 0,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Relative',
        chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
      }
      for (const [action, payload, answer] of [
        ['ChangeConfiguration', { key: 'HeartbeatInterval', value: '120' }, { status: 'Accepted' }],
        [
          'GetConfiguration',
          { key: ['HeartbeatInterval'] },
          { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] },
        ],
        ['Reset', { type: 'Soft' }, { status: 'Accepted' }],
        [
          'TriggerMessage',
          { requestedMessage: 'StatusNotification', connectorId: 1 },
          { status: 'Accepted' },
        ],
        ['ChangeAvailability', { connectorId: 1, type: 'Operative' }, { status: 'Accepted' }],
        ['UnlockConnector', { connectorId: 1 }, { status: 'Unlocked' }],
        ['ClearCache', {}, { status: 'Accepted' }],
        ['SetChargingProfile', { connectorId: 1, csChargingProfiles: profile }, { status: 'Accepted' }],
        ['ClearChargingProfile', { id: 61 }, { status: 'Accepted' }],
      ] as const) {
        const sent = await provoke(cs, action, () => command(cs.id, action, payload))
        assert.deepEqual(sent.params, payload, action)
        assert.deepEqual(sent.answer, answer, action)
      }
      const composite = await provoke(cs, 'GetCompositeSchedule', () =>
        command(cs.id, 'GetCompositeSchedule', { connectorId: 1, duration: 3_600, chargingRateUnit: 'A' }),
      )
      assert.equal(composite.answer.status, 'Accepted')

      const update = await provoke(cs, 'UpdateFirmware', () =>
        send<Job>('POST', `/v1/stations/${cs.id}/firmware-updates`, {
          firmware: { location: 'https://firmware.example.com/strict-16.bin' },
        }),
      )
      assert.equal(update.params.location, 'https://firmware.example.com/strict-16.bin')
      assert.ok(!Number.isNaN(Date.parse(String(update.params.retrieveDate))))
      const diagnostics = await provoke(cs, 'GetDiagnostics', () =>
        send<Job>('POST', `/v1/stations/${cs.id}/log-uploads`, {
          logType: 'DiagnosticsLog',
          remoteLocation: 'ftp://logs.example.com/upload',
        }),
      )
      assert.deepEqual(diagnostics.params, { location: 'ftp://logs.example.com/upload' })

      const lists = await localListsSent(cs)
      for (const list of lists) {
        const entries = list.params.localAuthorizationList as Array<{ idTag: string; idTagInfo: Payload }>
        assert.deepEqual(entries.map((e) => e.idTag).sort(), ALL_CARDS.map((c) => c.idToken).sort())
        assert.ok(entries.every((e) => e.idTagInfo.status === 'Accepted'))
      }

      await certificateCommands(cs, {
        valid: 'CentralSystemRootCertificate',
        otherVersion: 'CSMSRootCertificate',
      })

      const pw = await boot('STRICT-16-PW', 'ocpp1.6', PASSWORD)
      const rotated = await provoke(pw, 'ChangeConfiguration', () =>
        send<{ status: string; password: string }>('POST', `/v1/stations/${pw.id}/password-rotation`, {}),
      )
      assert.equal(rotated.answer.status, 'confirmed')
      assert.deepEqual(rotated.params, { key: 'AuthorizationKey', value: rotated.answer.password })
      pw.assertConformant()
      cs.assertConformant()
    })

    it('starts and stops a session remotely: StartTransaction, MeterValues, StopTransaction', async () => {
      const start = await provoke(cs, 'RemoteStartTransaction', () =>
        send<{ status: string }>('POST', '/v1/transactions', {
          stationId: cs.id,
          evseId: 1,
          idToken: ID_TOKEN,
        }),
      )
      assert.deepEqual([start.params, start.answer.status], [{ idTag: TAG, connectorId: 1 }, 'Accepted'])
      const started = await cs.call<{ transactionId: number; idTagInfo: Payload }>('StartTransaction', {
        connectorId: 1,
        idTag: TAG,
        meterStart: 1_000,
        timestamp: now(),
      })
      assert.ok(Number.isInteger(started.transactionId), String(started.transactionId))
      assert.equal(started.idTagInfo.status, 'Accepted')
      const transactionId = started.transactionId
      assert.deepEqual(
        await cs.call('MeterValues', { connectorId: 1, transactionId, meterValue: [aV16MeterValue(3_500)] }),
        {},
      )
      const stop = await provoke(cs, 'RemoteStopTransaction', () =>
        send<{ status: string }>('POST', `/v1/transactions/${transactionId}/stop?stationId=${cs.id}`),
      )
      assert.deepEqual([stop.params, stop.answer.status], [{ transactionId }, 'Accepted'])
      const stopped = await cs.call<{ idTagInfo?: Payload }>('StopTransaction', {
        transactionId,
        idTag: TAG,
        meterStop: 6_000,
        timestamp: now(),
        reason: 'Remote',
        transactionData: [aV16MeterValue(6_000, 'Transaction.End')],
      })
      assert.equal(stopped.idTagInfo?.status ?? 'Accepted', 'Accepted')
      const session = await send<{ state: string; energyWh: number }>(
        'GET',
        `/v1/transactions/${transactionId}?stationId=${cs.id}`,
      )
      assert.deepEqual([session.state, session.energyWh], ['ended', 5_000])
      cs.assertConformant()
    })

    it("takes the site balancer's charging profiles: TxDefaultProfile at boot, TxProfile per session", async () => {
      const bal = await boot('STRICT-16-BAL', 'ocpp1.6', PASSWORD)
      await bal.call('StatusNotification', {
        connectorId: 1,
        errorCode: 'NoError',
        status: 'Available',
        timestamp: now(),
      })
      const profiles = (purpose: string) =>
        bal
          .callsOf('SetChargingProfile')
          .filter((p) => (p.csChargingProfiles as Payload).chargingProfilePurpose === purpose)
      await waitFor(() => profiles('TxDefaultProfile').length > 0, {
        timeoutMs: 20_000,
        description: 'the TxDefaultProfile of the balanced site',
      })
      const started = await bal.call<{ transactionId: number; idTagInfo: Payload }>('StartTransaction', {
        connectorId: 1,
        idTag: LONG_GROUP_CARD.idToken,
        meterStart: 0,
        timestamp: now(),
      })
      assert.equal(started.idTagInfo.status, 'Accepted')
      const txProfile = await waitFor(() => profiles('TxProfile')[0], {
        timeoutMs: 20_000,
        description: "the balancer's TxProfile for the session",
      })
      assert.equal((txProfile.csChargingProfiles as Payload).transactionId, started.transactionId)
      bal.assertConformant()
    })
  })
})

/** Sends BootNotification, checks the answer's interval and clock, returns its status. */
async function bootNotification(cs: StrictStation): Promise<string> {
  const reply = await cs.call<{ status: string; interval: number; currentTime: string }>(
    'BootNotification',
    cs.protocol === 'ocpp1.6'
      ? {
          chargePointVendor: 'Strict',
          chargePointModel: 'RPC-16',
          chargePointSerialNumber: `SN-${cs.id}`,
          firmwareVersion: '1.0.0',
        }
      : {
          reason: 'PowerUp',
          chargingStation: {
            vendorName: 'Strict',
            model: 'RPC-201',
            serialNumber: `SN-${cs.id}`,
            firmwareVersion: '1.0.0',
          },
        },
  )
  // The interval is the heartbeat interval (Accepted) or when to boot again (Pending, Rejected).
  assert.ok(Number.isInteger(reply.interval) && reply.interval > 0, `interval ${reply.interval}`)
  assert.ok(Math.abs(Date.parse(reply.currentTime) - Date.now()) < 60_000, reply.currentTime)
  return reply.status
}

/**
 * Sends each raw frame and asserts the CALLERROR (or 2.1 CALLRESULTERROR, `type` 5) that answers
 * it: its id and one of the codes allowed.
 */
async function expectCallErrors(
  cs: StrictStation,
  cases: ReadonlyArray<readonly [text: string, expectId: string, codes: readonly string[]]>,
  type: 4 | 5 = 4,
): Promise<void> {
  for (const [text, expectId, codes] of cases) {
    const reply = await cs.sendRaw(text, expectId)
    assert.equal(reply[0], type, `${text} answered ${JSON.stringify(reply)}`)
    assert.ok(codes.includes(String(reply[2])), `${text} answered ${JSON.stringify(reply)}`)
  }
}

/**
 * Sends frames the CSMS must not answer, then a Heartbeat: the gateway answers a frame it cannot
 * accept as it reads it, so any answer to them would come before the Heartbeat's.
 */
async function expectNoAnswer(cs: StrictStation, texts: readonly string[]): Promise<void> {
  for (const text of texts) cs.sendUnanswered(text)
  await cs.call('Heartbeat', {})
  for (const text of texts) {
    const id = String((JSON.parse(text) as unknown[])[1])
    assert.equal(cs.sawFrameWithId(id), false, `${text} was answered`)
  }
}
