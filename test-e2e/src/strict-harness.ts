import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import { waitFor } from '@csms/testkit'
import { type E2ePlatform, startE2ePlatform } from './platform-fixture.js'
import type { ConnectDriver, Payload, StrictDriver, StrictProtocol } from './strict-driver.js'
import { answerAsV16Station, answerAsV201Station, now } from './strict-payloads.js'

// One platform per library, seeded with what the strict flows (strict-flows-*.ts) provoke, and
// the stations of that library connected to it.

export const TAG = '04A1B2C3D4E5F6'
export const ID_TOKEN = { idToken: TAG, type: 'ISO14443' }
export const TAG_GROUP = { idToken: 'STRICT-GROUP', type: 'Central' }
// Cards in groups only OCPP 2.1 can write (a type of its own, an id over 36 characters): what a
// 2.0.1 station is sent about them must still fit 2.0.1's IdTokenType; a 2.1 station gets them.
export const FLEET_CARD = { idToken: 'STRICT-FLEET-CARD', type: 'Central' }
export const FLEET_GROUP = { idToken: 'FLEET-1', type: 'Fleet' }
export const LONG_GROUP_CARD = { idToken: 'STRICT-LONG-GROUP', type: 'Central' }
export const LONG_GROUP = { idToken: 'FLEET-ACME-LOGISTICS-EUROPE-NORTH-0042', type: 'Central' }
export const ALL_CARDS = [ID_TOKEN, FLEET_CARD, LONG_GROUP_CARD]
export const PASSWORD = 'strict-mode-password-1'

/** The library that plays the stations, and the prefix of their ids (`RPC` makes `RPC-201-BAL`). */
export type StrictLibrary = { prefix: string; connect: ConnectDriver }

const VERSION_TAG: Readonly<Record<StrictProtocol, string>> = {
  'ocpp1.6': '16',
  'ocpp2.0.1': '201',
  'ocpp2.1': '21',
}

export class StrictHarness {
  private started: E2ePlatform | undefined
  private readonly stations: StrictDriver[] = []
  private readonly mains = new Map<StrictProtocol, StrictDriver>()

  constructor(readonly library: StrictLibrary) {}

  get platform(): E2ePlatform {
    assert.ok(this.started, 'the platform has not started')
    return this.started
  }

  /** The id of a station of this library and version: `RPC-201`, `RPC-201-BAL`. */
  stationId(protocol: StrictProtocol, suffix?: string): string {
    return [this.library.prefix, VERSION_TAG[protocol], suffix].filter(Boolean).join('-')
  }

  async start(): Promise<void> {
    this.started = await startE2ePlatform({
      CSMS_API_COMMAND_TIMEOUT_MS: '10000',
      CSMS_SC_TX_DEFAULT_DELAY_MS: '100',
    })
    // A tariff makes TransactionEvent answers carry a totalCost and the CSMS send CostUpdated.
    const tariff = { scope: 'default', currency: 'EUR', pricePerKwh: 0.4, pricePerMinute: 0 }
    await this.send('PUT', '/v1/tariffs/STRICT', tariff)
    // A stored token makes Authorize answer a full idTokenInfo (group, message, priority).
    await this.send('PUT', `/v1/id-tokens/${TAG}`, {
      type: 'ISO14443',
      status: 'Accepted',
      expiresAt: now(86_400),
      groupIdToken: TAG_GROUP,
      language1: 'en',
      chargingPriority: 1,
      personalMessage: { format: 'UTF8', language: 'en', content: 'Welcome' },
    })
    for (const [card, groupIdToken] of [
      [FLEET_CARD, FLEET_GROUP],
      [LONG_GROUP_CARD, LONG_GROUP],
    ] as const)
      await this.send('PUT', `/v1/id-tokens/${card.idToken}`, {
        type: card.type,
        status: 'Accepted',
        groupIdToken,
      })
    await this.send('PUT', '/v1/sites/STRICT-SITE', { limitW: 22_000 })
    for (const protocol of ['ocpp2.0.1', 'ocpp2.1', 'ocpp1.6'] as const) {
      await this.send('PUT', `/v1/stations/${this.stationId(protocol)}`, { password: PASSWORD })
      const balanced = { password: PASSWORD, siteId: 'STRICT-SITE' }
      await this.send('PUT', `/v1/stations/${this.stationId(protocol, 'BAL')}`, balanced)
    }
  }

  async stop(): Promise<void> {
    for (const s of this.stations) await s.close()
    await this.started?.stop()
  }

  /** An operator API call that must succeed (200, or 201 for jobs); the body as JSON. */
  async send<T = Payload>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.platform.api(path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    assert.ok(res.status === 200 || res.status === 201, `${method} ${path}: HTTP ${res.status} ${text}`)
    return JSON.parse(text) as T
  }

  /** A CSMS-initiated call through the generic command route: the station's answer comes back. */
  command<T = Payload>(id: string, action: string, payload: Payload): Promise<T> {
    return this.send<T>('POST', `/v1/stations/${id}/commands/${action}`, payload)
  }

  /** A connected station that answers every CALL the flows provoke as strict-payloads.ts says. */
  async connect(id: string, protocol: StrictProtocol, password?: string): Promise<StrictDriver> {
    const cs = await this.library.connect(this.platform.gatewayUrl, id, protocol, password)
    this.stations.push(cs)
    if (protocol === 'ocpp1.6') answerAsV16Station(cs)
    else answerAsV201Station(cs)
    return cs
  }

  /**
   * A station seeded with PASSWORD, refused with a wrong one, then connected over HTTP Basic auth
   * (security profile 1), booted (BootNotification Accepted), reported connected by the API and
   * answered a Heartbeat with the time.
   */
  async boot(id: string, protocol: StrictProtocol): Promise<StrictDriver> {
    const wrong = this.library.connect(this.platform.gatewayUrl, id, protocol, 'not-the-password')
    // ocpp-rpc says Unauthorized, ocpp-ws-io 'Unexpected HTTP response: 401'.
    await assert.rejects(wrong, /401|Unauthorized/)
    const cs = await this.connect(id, protocol, PASSWORD)
    assert.equal(await bootNotification(cs), 'Accepted')
    await waitFor(
      async () => (await this.send<{ connected: boolean }>('GET', `/v1/stations/${id}`)).connected,
      {
        timeoutMs: 15_000,
        description: `${id} reported connected`,
      },
    )
    const beat = await cs.call<{ currentTime: string }>('Heartbeat', {})
    assert.ok(Math.abs(Date.parse(beat.currentTime) - Date.now()) < 60_000, beat.currentTime)
    return cs
  }

  /** The station of this version that the boot flow booted and later flows drive. */
  main(protocol: StrictProtocol): StrictDriver {
    const cs = this.mains.get(protocol)
    assert.ok(cs, `no ${protocol} station booted`)
    return cs
  }

  setMain(cs: StrictDriver): void {
    this.mains.set(cs.protocol, cs)
  }
}

/** A harness whose platform starts before the tests of the enclosing describe and stops after. */
export function useStrictHarness(library: StrictLibrary): StrictHarness {
  const harness = new StrictHarness(library)
  before(() => harness.start())
  after(() => harness.stop())
  return harness
}

/** Sends BootNotification, checks the answer's interval and clock, returns its status. */
export async function bootNotification(cs: StrictDriver): Promise<string> {
  const reply = await cs.call<{ status: string; interval: number; currentTime: string }>(
    'BootNotification',
    cs.protocol === 'ocpp1.6'
      ? {
          chargePointVendor: 'Strict',
          chargePointModel: 'STRICT-16',
          chargePointSerialNumber: `SN-${cs.id}`,
          firmwareVersion: '1.0.0',
        }
      : {
          reason: 'PowerUp',
          chargingStation: {
            vendorName: 'Strict',
            model: 'STRICT-2',
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
