import type { NatsConnection } from '@nats-io/transport-node'
import { type FakeStation, fakeStation } from './harness.js'

type Entry = {
  idTag?: string
  idTagInfo?: { status: string }
  idToken?: { idToken: string; type: string }
  idTokenInfo?: { status: string }
}

export type ListStation = FakeStation & {
  /** What the station holds: its list version and the status of each entry (key type:idToken, or idTag). */
  state: { version: number; entries: Map<string, string> }
  /** Forgets its list, as a station does after a factory reset. */
  reset(version?: number): void
}

/**
 * A station that keeps a local authorization list as OCPP 2.0.1 D01 says (1.6 with `v16`):
 * a Full update replaces it, a Differential one with a version not above its own is refused with
 * VersionMismatch, an entry without idTokenInfo removes the token.
 */
export function listStation(
  nc: NatsConnection,
  stationId: string,
  opts: { v16?: boolean } = {},
): ListStation {
  const v16 = opts.v16 === true
  const state = { version: 0, entries: new Map<string, string>() }
  const fake = fakeStation(nc, stationId, {
    GetLocalListVersion: () => (v16 ? { listVersion: state.version } : { versionNumber: state.version }),
    SendLocalList: (p) => {
      const version = Number(v16 ? p.listVersion : p.versionNumber)
      if (p.updateType === 'Differential' && version <= state.version) return { status: 'VersionMismatch' }
      if (p.updateType === 'Full') state.entries.clear()
      for (const e of (p.localAuthorizationList ?? []) as Entry[]) {
        const key = v16 ? String(e.idTag) : `${e.idToken?.type}:${e.idToken?.idToken}`
        const info = v16 ? e.idTagInfo : e.idTokenInfo
        if (info) state.entries.set(key, info.status)
        else state.entries.delete(key)
      }
      state.version = version
      return { status: 'Accepted' }
    },
    ClearCache: () => ({ status: 'Accepted' }),
  })
  return {
    ...fake,
    state,
    reset(version = 0) {
      state.version = version
      state.entries.clear()
    },
  }
}
