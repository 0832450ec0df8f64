import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Fleet, startFleet } from '@csms/simulator'
import { waitFor } from '@csms/testkit'
import { type E2ePlatform, startE2ePlatform } from './platform-fixture.js'

type Page = { items: Array<{ id: string; protocol: string; connected: boolean }>; next: string | null }

describe('a mixed simulated fleet against the platform (the simulator as a library)', () => {
  let platform: E2ePlatform
  let fleet: Fleet | undefined
  before(async () => {
    platform = await startE2ePlatform()
  })
  after(async () => {
    await fleet?.stop()
    await platform?.stop()
  })

  it('boots 2.0.1, 2.1 and 1.6 stations, pages them through the API, and obeys an operator command', async () => {
    const models = [
      ['ac-2x22', 'ocpp2.0.1'],
      ['dc-150', 'ocpp2.0.1'],
      ['v2g-bidi', 'ocpp2.1'],
      ['ac-legacy-16', 'ocpp1.6'],
    ] as const
    fleet = await startFleet({
      url: platform.gatewayUrl,
      stations: Array.from({ length: 12 }, (_, i) => {
        const [model, protocol] = models[i % models.length] as (typeof models)[number]
        return { id: `FLEET-${String(i).padStart(2, '0')}`, model, protocol }
      }),
    })
    await fleet.waitForAll((s) => s.bootStatus === 'Accepted' && s.connection === 'open', {
      timeoutMs: 60_000,
    })

    const seen = await waitFor(
      async () => {
        const ids: Page['items'] = []
        let after: string | null = null
        do {
          const query: string = `/v1/stations?connected=true&limit=5${after ? `&after=${after}` : ''}`
          const page = (await (await platform.api(query)).json()) as Page
          ids.push(...page.items)
          after = page.next
        } while (after)
        return ids.filter((s) => s.id.startsWith('FLEET-')).length === 12 ? ids : undefined
      },
      { timeoutMs: 15_000, description: 'all 12 stations listed as connected' },
    )
    assert.deepEqual(
      [...new Set(seen.map((s) => s.protocol))].sort(),
      ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'],
      'each station is reported with the protocol it negotiated',
    )

    const res = await platform.api('/v1/stations/FLEET-00/commands/ChangeAvailability', {
      method: 'POST',
      body: JSON.stringify({ operationalStatus: 'Inoperative', evse: { id: 1 } }),
    })
    assert.equal(res.status, 200)
    assert.equal(((await res.json()) as { status: string }).status, 'Accepted')
    const station = fleet.station('FLEET-00')
    await station.waitFor((s) => s.evses[0]?.operative === false, { timeoutMs: 10_000 })
    assert.equal(station.received.at(-1)?.action, 'ChangeAvailability')
    await waitFor(
      async () => {
        const body = (await (await platform.api('/v1/stations/FLEET-00')).json()) as {
          evses: Array<{ evseId: number; connectors: Array<{ status: string }> }>
        }
        return body.evses.find((e) => e.evseId === 1)?.connectors[0]?.status === 'Unavailable'
      },
      { timeoutMs: 10_000, description: 'EVSE 1 reported Unavailable through StatusNotification' },
    )
  })
})
