import type { OcppSubprotocol } from '@csms/ocpp'
import type { z } from 'zod'
import type { FleetStats } from '../metrics/fleet-stats.js'
import { STATION_MODELS, type StationModelName } from '../model/station-models.js'
import type { CallOutcome } from '../net/ocpp-connection.js'
import { type Behaviour, BehaviourSchema } from '../scenario/scenario-schema.js'
import type { Station } from '../station/station.js'
import { canStartSession, depart, plugIn } from '../station/station-sessions.js'
import type { ReceivedCall, StationState } from '../station/station-types.js'
import { FleetEngine } from './fleet-engine.js'

export type FleetStationInput = {
  id: string
  model: StationModelName
  /** Defaults to the model's first protocol (ocpp2.0.1, ocpp2.1 for v2g-bidi, ocpp1.6 for the legacy one). */
  protocol?: OcppSubprotocol
  password?: string
}

export type FleetOptions = {
  /** Gateway base URL, e.g. `ws://127.0.0.1:9000/ocpp`. */
  url: string
  stations: readonly FleetStationInput[]
  /** Scenario behaviour (features, intervals, arrivals …); defaults are the `smoke` ones. */
  behaviour?: Partial<z.input<typeof BehaviourSchema>>
  /** Stations started per second; all at once by default. */
  rampPerSecond?: number
  seed?: number
}

type WaitOptions = { timeoutMs?: number }

/** One simulated station as a test sees it. */
export type SimStation = {
  readonly id: string
  readonly state: StationState
  /** CSMS-initiated calls, in order, with what the station answered. */
  readonly received: readonly ReceivedCall[]
  /** Resolves with the first state that satisfies `predicate`. */
  waitFor(predicate: (s: StationState) => boolean, o?: WaitOptions): Promise<StationState>
  /** Resolves with the first received CSMS call of `action` (already received ones count). */
  waitForCall(
    action: string,
    o?: WaitOptions & { match?: (c: ReceivedCall) => boolean },
  ): Promise<ReceivedCall>
  /** An EV arrives (at the first free EVSE unless given) and stays `dwellMs`. */
  plugIn(o?: { evseId?: number; idToken?: string; dwellMs?: number }): Promise<void>
  /** The EV on `evseId` leaves now. */
  unplug(evseId?: number): Promise<void>
  /** Sends any station-initiated call (checked against the schema first). */
  call(action: string, payload: unknown): Promise<CallOutcome>
  /** Loses the connection without a close frame; the station reconnects with back-off. */
  drop(): void
}

export type Fleet = {
  station(id: string): SimStation
  readonly stations: readonly SimStation[]
  readonly stats: FleetStats
  waitForAll(predicate: (s: StationState) => boolean, o?: WaitOptions): Promise<void>
  stop(): Promise<void>
}

function waitForState(
  st: Station,
  predicate: (s: StationState) => boolean,
  timeoutMs: number,
): Promise<StationState> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const s = st.state
      if (!predicate(s)) return false
      stop()
      resolve(s)
      return true
    }
    const unsubscribe = st.onChange(() => void check())
    const timer = setTimeout(() => {
      unsubscribe()
      reject(
        new Error(
          `station ${st.id}: condition not met within ${timeoutMs} ms; last state: ${JSON.stringify(st.state)}`,
        ),
      )
    }, timeoutMs)
    const stop = () => {
      clearTimeout(timer)
      unsubscribe()
    }
    check()
  })
}

function wrap(st: Station): SimStation {
  return {
    id: st.id,
    get state() {
      return st.state
    },
    get received() {
      return st.received
    },
    waitFor: (predicate, o = {}) => waitForState(st, predicate, o.timeoutMs ?? 30_000),
    async waitForCall(action, o = {}) {
      const find = () => st.received.find((c) => c.action === action && (o.match?.(c) ?? true))
      await waitForState(st, () => find() !== undefined, o.timeoutMs ?? 30_000)
      return find() as ReceivedCall
    },
    async plugIn(o = {}) {
      const evse =
        o.evseId === undefined ? st.evses.find(canStartSession) : st.evses.find((e) => e.id === o.evseId)
      if (!evse || evse.session)
        throw new Error(`station ${st.id}: no free EVSE${o.evseId === undefined ? '' : ` ${o.evseId}`}`)
      await plugIn(st, evse, {
        ...(o.idToken === undefined ? {} : { idToken: o.idToken }),
        ...(o.dwellMs === undefined ? {} : { dwellMs: o.dwellMs }),
      })
    },
    async unplug(evseId) {
      const evse =
        evseId === undefined ? st.evses.find((e) => e.session) : st.evses.find((e) => e.id === evseId)
      if (evse?.session) await depart(st, evse, evse.session)
    },
    call: (action, payload) => st.send(action, payload),
    drop: () => st.drop(),
  }
}

/**
 * Starts a small fleet in this process, for end-to-end tests:
 * `const fleet = await startFleet({ url, stations: [{ id: 'X', model: 'ac-2x22' }] })`,
 * then `await fleet.station('X').waitFor((s) => s.bootStatus === 'Accepted')`.
 */
export async function startFleet(o: FleetOptions): Promise<Fleet> {
  const behaviour: Behaviour = BehaviourSchema.parse(o.behaviour ?? {})
  const engine = new FleetEngine({
    url: o.url,
    behaviour,
    stations: o.stations.map((s, index) => ({
      index,
      spec: {
        id: s.id,
        model: s.model,
        protocol: s.protocol ?? (STATION_MODELS[s.model].protocols[0] as OcppSubprotocol),
        ...(s.password === undefined ? {} : { password: s.password }),
      },
    })),
    startAt: Date.now(),
    durationMs: 3_600_000,
    rampPerSecond: o.rampPerSecond ?? Number.POSITIVE_INFINITY,
    seed: o.seed ?? 1,
    keepReceived: Number.POSITIVE_INFINITY,
  })
  const wrapped = new Map([...engine.stations].map(([id, st]) => [id, wrap(st)]))
  engine.start()
  return {
    station(id) {
      const s = wrapped.get(id)
      if (!s) throw new Error(`no station ${id} in this fleet`)
      return s
    },
    stations: [...wrapped.values()],
    stats: engine.stats,
    async waitForAll(predicate, w = {}) {
      await Promise.all([...wrapped.values()].map((s) => s.waitFor(predicate, w)))
    },
    async stop() {
      await engine.stop()
    },
  }
}
