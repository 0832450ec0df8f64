import type { AllocationFact } from '@csms/bus'
import { startFleet } from '@csms/simulator'
import { waitFor } from '@csms/testkit'
import { connect } from '@nats-io/transport-node'
import { startWholePlatform } from '../test/support/platform.js'

// From a limit change on the API to the last TxProfile acknowledged, for a site of `evses`
// EVSEs on simulated 2-EVSE AC stations (the whole platform as separate processes).

export type E2eResult = {
  evses: number
  runs: Array<{
    limitW: number
    profiles: number
    lastReceivedMs: number
    allAcknowledgedMs: number
    recomputeMs: number
  }>
  medianAllAcknowledgedMs: number
  maxAllAcknowledgedMs: number
}

export async function benchSiteLimitE2e(evses: number, rounds: number): Promise<E2eResult> {
  const site = 'bench-site'
  const password = 'bench-smart-charging-pw'
  const ids = Array.from({ length: evses / 2 }, (_, i) => `BENCH-SC-${String(i).padStart(4, '0')}`)
  const platform = await startWholePlatform({
    CSMS_SC_RECOMPUTE_INTERVAL_MS: '0',
    CSMS_SC_TX_DEFAULT_DELAY_MS: '200',
  })
  const nc = await connect({ servers: platform.natsUrl })
  const facts: Array<{ at: number; fact: AllocationFact }> = []
  nc.subscribe('evt.smart-charging.allocation', {
    callback: (_e, m) =>
      void facts.push({ at: Date.now(), fact: (m.json() as { data: AllocationFact }).data }),
  })
  const fleet = await (async () => {
    await platform.api('PUT', `/v1/sites/${site}`, { limitW: evses * 8_000 })
    for (let i = 0; i < ids.length; i += 25) {
      await Promise.all(
        ids
          .slice(i, i + 25)
          .map((id) => platform.api('PUT', `/v1/stations/${id}`, { siteId: site, password })),
      )
    }
    return startFleet({
      url: platform.gatewayUrl,
      stations: ids.map((id) => ({
        id,
        model: 'ac-2x22' as const,
        protocol: 'ocpp2.0.1' as const,
        password,
      })),
      behaviour: { features: { transactions: true } },
      rampPerSecond: 200,
    })
  })()
  try {
    await fleet.waitForAll((s) => s.bootStatus === 'Accepted', { timeoutMs: 120_000 })
    for (const s of fleet.stations)
      for (const evseId of [1, 2]) await s.plugIn({ evseId, dwellMs: 24 * 3_600_000 })
    await waitFor(() => fleet.stations.every((s) => s.state.evses.every((e) => (e.limitW ?? 0) > 0)), {
      timeoutMs: 180_000,
      intervalMs: 250,
      description: 'every EVSE holding a share',
    })
    const runs: E2eResult['runs'] = []
    // One round to warm up (JIT, connection pools) that is not counted, then the measured ones.
    for (let r = -1; r < rounds; r++) {
      const limitW = evses * (r % 2 === 0 ? 6_000 : 7_000)
      const before = facts.length
      const t0 = Date.now()
      const res = await platform.api('PUT', `/v1/sites/${site}/limit`, { limitW, source: 'bench' })
      if (res.status !== 200) throw new Error(`limit change refused: ${res.status}`)
      const done = await waitFor(
        () => facts.slice(before).find((f) => f.fact.reason.includes('limit') && f.fact.changes.length > 0),
        { timeoutMs: 60_000, intervalMs: 5, description: 'the recomputation after the limit change' },
      )
      const received = fleet.stations.flatMap((s) =>
        s.received
          .filter((c) => c.action === 'SetChargingProfile' && c.at.getTime() >= t0)
          .map((c) => c.at.getTime()),
      )
      if (r >= 0)
        runs.push({
          limitW,
          profiles: done.fact.changes.filter((c) => c.status === 'accepted').length,
          lastReceivedMs: Math.max(...received) - t0,
          allAcknowledgedMs: done.at - t0,
          recomputeMs: done.fact.durationMs,
        })
      await new Promise((resolve) => setTimeout(resolve, 1_000))
    }
    const sorted = runs.map((x) => x.allAcknowledgedMs).sort((a, b) => a - b)
    return {
      evses,
      runs,
      medianAllAcknowledgedMs: sorted[Math.floor(sorted.length / 2)] as number,
      maxAllAcknowledgedMs: sorted.at(-1) as number,
    }
  } finally {
    await fleet.stop()
    await nc.close()
    await platform.stopAll()
  }
}
