import type { OcppVersion } from '@csms/ocpp'
import { versionOfSubprotocol } from '@csms/ocpp'
import type { FleetStats } from '../metrics/fleet-stats.js'
import type { StoredProfile } from '../model/charging-profiles.js'
import { createDeviceModel, type DeviceVariable } from '../model/device-model.js'
import { EnergyMeter } from '../model/meter.js'
import { STATION_MODELS, type StationModel } from '../model/station-models.js'
import { backoffDelay, retryAfterDelay } from '../net/backoff.js'
import { type CallOutcome, ConnectError, type CsmsAnswer, OcppConnection } from '../net/ocpp-connection.js'
import type { Behaviour } from '../scenario/scenario-schema.js'
import type { Random } from '../util/random.js'
import { handleCsmsCallV2 } from './csms-calls-v2.js'
import { handleCsmsCallV16 } from './csms-calls-v16.js'
import { bootNotification, connectorStatusV2, statusNotification } from './messages-v2.js'
import { bootNotification16, connectorStatusV16, statusNotification16 } from './messages-v16.js'
import { OfflineQueue, type QueuedMessage } from './offline-queue.js'
import { clearSessionTimers, endAllSessions, startArrivals, stopArrivals } from './station-sessions.js'
import type {
  BootStatus,
  ConnectionState,
  ConnectorState,
  Evse,
  ReceivedCall,
  StationSpec,
  StationState,
} from './station-types.js'

export type StationOptions = {
  spec: StationSpec
  url: string
  behaviour: Behaviour
  stats: FleetStats
  random: Random
  localAddress?: string | undefined
  /** How many received CSMS calls to keep for inspection: all in tests, none at scale. */
  keepReceived?: number
  /** The run this station belongs to, for arrival patterns that follow the clock of the run. */
  run?: { startedAt: number; durationMs: number }
}

export type BootReason = 'PowerUp' | 'RemoteReset' | 'FirmwareUpdate' | 'Triggered' | 'LocalReset'

const SKIPPED: CallOutcome = { ok: false, kind: 'closed', code: 'NotConnected', description: 'not connected' }

/**
 * One simulated charging station: connects (with back-off), boots (retrying on Pending or
 * Rejected after the interval it was given), heartbeats, reports status, runs sessions, keeps
 * transaction messages while offline and answers every CSMS call. Never throws out of its timers.
 */
export class Station {
  readonly id: string
  readonly model: StationModel
  readonly version: OcppVersion
  readonly evses: Evse[]
  readonly received: ReceivedCall[] = []
  readonly deviceModel: DeviceVariable[]
  readonly offline: OfflineQueue
  profiles: StoredProfile[] = []
  bootStatus: BootStatus = 'None'
  connection: ConnectionState = 'idle'
  heartbeatIntervalS: number
  meterIntervalS: number
  firmware: { version: string; status: string; requestId: number | undefined; pendingInstalled: boolean }
  connects = 0
  reboots = 0
  /** A slow station (fault injection) waits this long before answering the CSMS. */
  answerDelayMs = 0
  private conn: OcppConnection | undefined
  private running = false
  private needsBoot = true
  private bootReason: BootReason = 'PowerUp'
  private attempt = 0
  private replaying = false
  private counted = { connected: false, booted: false }
  private forcedReconnectAt: number | undefined
  private heartbeatTimer: NodeJS.Timeout | undefined
  private bootTimer: NodeJS.Timeout | undefined
  private reconnectTimer: NodeJS.Timeout | undefined
  private readonly listeners = new Set<() => void>()
  private readonly keepReceived: number

  constructor(readonly o: StationOptions) {
    this.id = o.spec.id
    this.model = STATION_MODELS[o.spec.model]
    this.version = versionOfSubprotocol(o.spec.protocol) as OcppVersion
    this.keepReceived = o.keepReceived ?? Number.POSITIVE_INFINITY
    this.offline = new OfflineQueue(o.behaviour.offlineQueueLimit)
    this.heartbeatIntervalS =
      o.behaviour.heartbeatInterval === 'csms' ? 300 : o.behaviour.heartbeatInterval / 1000
    this.meterIntervalS = Math.max(1, Math.round(o.behaviour.meterInterval / 1000))
    this.firmware = {
      version: this.model.firmwareVersion,
      status: 'Idle',
      requestId: undefined,
      pendingInstalled: false,
    }
    const now = Date.now()
    this.evses = this.model.evses.map((spec, i) => ({
      id: i + 1,
      spec,
      connectors: spec.connectors.map((c, j) => ({
        id: j + 1,
        type: c.type,
        state: 'available' as const,
        sent: undefined,
      })),
      operative: true,
      scheduledOperative: undefined,
      // A meter never starts at 0 in the field (see PITFALLS: meterStart is not 0).
      meter: new EnergyMeter(Math.round(o.random.between(1_000, 5_000_000)), now),
      session: undefined,
      reservation: undefined,
      arrivalTimer: undefined,
    }))
    this.deviceModel = createDeviceModel({
      stationId: this.id,
      model: this.model,
      heartbeatIntervalS: this.heartbeatIntervalS,
      meterIntervalS: this.meterIntervalS,
    })
  }

  get behaviour(): Behaviour {
    return this.o.behaviour
  }
  get stats(): FleetStats {
    return this.o.stats
  }
  get random(): Random {
    return this.o.random
  }
  get isV16(): boolean {
    return this.version === 'v16'
  }
  /** Connected and Accepted: the station may send more than BootNotification. */
  get isReady(): boolean {
    return this.conn?.isOpen === true && this.bootStatus === 'Accepted'
  }
  get isRunning(): boolean {
    return this.running
  }

  start(): void {
    if (this.running) return
    this.running = true
    void this.connect()
  }

  async stop(): Promise<void> {
    this.running = false
    this.connection = 'stopped'
    for (const t of [this.heartbeatTimer, this.bootTimer, this.reconnectTimer]) clearTimeout(t)
    stopArrivals(this)
    for (const evse of this.evses) if (evse.session) clearSessionTimers(evse.session)
    for (const m of this.offline.drain()) m.onResult?.(SKIPPED)
    await this.conn?.close(1000, 'simulator stopping')
    this.changed()
  }

  // ── connection ───────────────────────────────────────────────────────────────

  private async connect(): Promise<void> {
    if (!this.running) return
    this.connection = 'connecting'
    let conn: OcppConnection
    const connectStarted = performance.now()
    try {
      conn = await OcppConnection.connect({
        url: this.o.url,
        stationId: this.id,
        protocol: this.o.spec.protocol,
        password: this.o.spec.password ?? this.o.behaviour.password?.replaceAll('{id}', this.id),
        localAddress: this.o.localAddress,
        callTimeoutMs: this.o.behaviour.callTimeout,
        onCall: (action, payload) => this.onCsmsCall(action, payload),
        answerDelayMs: () => this.answerDelayMs,
        onProblem: (p) => this.stats.error(p.kind, p.action, p.code, `${this.id}: ${p.detail}`),
        onClose: (code, reason, byUs) => this.onClose(conn, code, reason, byUs),
      })
    } catch (error) {
      if (!this.running) return
      const e = error instanceof ConnectError ? error : new ConnectError(String(error), 0, undefined)
      this.stats.error('connect', '', String(e.status), `${this.id}: ${e.message}`)
      this.scheduleReconnect(
        e.retryAfterS === undefined
          ? undefined
          : retryAfterDelay(e.retryAfterS, this.o.behaviour.reconnect.randomRange, this.random.next()),
      )
      return
    }
    if (!this.running) {
      await conn.close(1000)
      return
    }
    this.stats.connectOpened(performance.now() - connectStarted)
    this.conn = conn
    this.connection = 'open'
    this.attempt = 0
    this.connects++
    this.stats.count(this.connects === 1 ? 'connects' : 'reconnects')
    this.setCounted('connected', true)
    this.changed()
    if (this.needsBoot || this.bootStatus !== 'Accepted') void this.boot()
    else void this.onAccepted(false)
  }

  private onClose(conn: OcppConnection, code: number, reason: string, byUs: boolean): void {
    if (this.conn !== conn) return
    this.conn = undefined
    this.setCounted('connected', false)
    this.setCounted('booted', false)
    clearTimeout(this.heartbeatTimer)
    clearTimeout(this.bootTimer)
    if (!byUs)
      this.stats.error('disconnect', '', String(code), `${this.id}: ${reason || 'socket closed by the CSMS'}`)
    if (this.running && this.connection !== 'rebooting') {
      const forced = this.forcedReconnectAt
      this.forcedReconnectAt = undefined
      this.scheduleReconnect(forced === undefined ? undefined : Math.max(0, forced - Date.now()))
    }
    this.changed()
  }

  private scheduleReconnect(delayMs?: number): void {
    if (!this.running) return
    this.connection = 'waiting'
    const backoff = backoffDelay(
      {
        minWaitMs: this.o.behaviour.reconnect.minWait,
        randomRangeMs: this.o.behaviour.reconnect.randomRange,
        repeatTimes: this.o.behaviour.reconnect.repeatTimes,
      },
      this.attempt++,
      this.random.next(),
    )
    clearTimeout(this.reconnectTimer)
    this.reconnectTimer = setTimeout(() => void this.connect(), delayMs ?? backoff)
  }

  /** Fault injection: the connection vanishes (no close frame); back-off decides the return. */
  drop(): void {
    if (!this.conn) return
    this.stats.count('droppedByFault')
    this.conn.drop()
  }

  /**
   * Fault injection: a power (`reboot`) or network outage for the whole fleet. The station comes
   * back at `reconnectAt` exactly, like every other one.
   */
  outage(reconnectAt: number, reboot: boolean): void {
    if (!this.running) return
    if (reboot) {
      this.needsBoot = true
      this.bootReason = 'PowerUp'
      void Promise.all(endAllSessions(this, 'PowerLoss', 'AbnormalCondition'))
    }
    if (this.conn) {
      this.forcedReconnectAt = reconnectAt
      this.stats.count('droppedByFault')
      this.conn.drop()
    } else {
      this.scheduleReconnect(Math.max(0, reconnectAt - Date.now()))
    }
  }

  /** Reset: end sessions, close, come back after a few seconds and boot with `reason`. */
  async reboot(reason: BootReason): Promise<void> {
    if (!this.running || this.connection === 'rebooting') return
    await Promise.race([
      Promise.all(
        endAllSessions(this, reason === 'FirmwareUpdate' ? 'Reboot' : 'ImmediateReset', 'ResetCommand'),
      ),
      new Promise((r) => setTimeout(r, 5_000)),
    ])
    this.connection = 'rebooting'
    this.needsBoot = true
    this.bootReason = reason
    this.reboots++
    this.stats.count('reboots')
    clearTimeout(this.heartbeatTimer)
    const conn = this.conn
    this.conn = undefined
    this.setCounted('connected', false)
    this.setCounted('booted', false)
    await conn?.close(1000, 'rebooting')
    this.changed()
    this.reconnectTimer = setTimeout(() => void this.connect(), Math.round(this.random.between(1_000, 3_000)))
  }

  // ── boot and heartbeat ───────────────────────────────────────────────────────

  async boot(reason: BootReason = this.bootReason): Promise<void> {
    const conn = this.conn
    if (!conn) return
    clearTimeout(this.bootTimer)
    const serial = `SN-${this.id}`
    const payload = this.isV16
      ? bootNotification16(this.model, serial, this.firmware.version)
      : bootNotification(this.model, serial, this.firmware.version, reason)
    const outcome = await conn.call('BootNotification', payload)
    if (this.conn !== conn) return
    this.record('BootNotification', outcome)
    if (!outcome.ok) {
      if (outcome.kind !== 'closed')
        this.retryBoot(
          backoffDelay(
            { minWaitMs: 10_000, randomRangeMs: 10_000, repeatTimes: 3 },
            this.attempt++,
            this.random.next(),
          ),
        )
      return
    }
    const answer = outcome.payload as { status: BootStatus; interval: number }
    const wasBooted = this.needsBoot === false && this.bootStatus === 'Accepted'
    this.bootStatus = answer.status
    if (answer.status === 'Accepted') {
      const rebooted = this.needsBoot || !wasBooted
      this.needsBoot = false
      this.stats.count('bootsAccepted')
      if (this.o.behaviour.heartbeatInterval === 'csms' && answer.interval > 0)
        this.setHeartbeatInterval(answer.interval)
      this.setCounted('booted', true)
      this.changed()
      await this.onAccepted(rebooted)
      return
    }
    this.stats.count(answer.status === 'Pending' ? 'bootsPending' : 'bootsRejected')
    this.changed()
    this.retryBoot((answer.interval > 0 ? answer.interval : 30) * 1000)
  }

  private retryBoot(delayMs: number): void {
    clearTimeout(this.bootTimer)
    this.bootTimer = setTimeout(() => void this.boot(), delayMs)
  }

  setHeartbeatInterval(seconds: number): void {
    this.heartbeatIntervalS = seconds
    const v = this.deviceModel.find((d) => d.variable === 'HeartbeatInterval')
    if (v) v.value = String(seconds)
    if (this.isReady) this.startHeartbeat(false)
  }

  private startHeartbeat(randomPhase: boolean): void {
    clearTimeout(this.heartbeatTimer)
    const every = Math.max(1, this.heartbeatIntervalS) * 1000
    const tick = () => {
      if (!this.isReady) return
      void this.send('Heartbeat', {})
      this.heartbeatTimer = setTimeout(tick, every)
    }
    // Spread the first heartbeat so a fleet that booted together does not beat in lockstep.
    this.heartbeatTimer = setTimeout(tick, randomPhase ? Math.round(this.random.next() * every) : every)
  }

  private async onAccepted(rebooted: boolean): Promise<void> {
    this.startHeartbeat(true)
    if (rebooted && this.o.behaviour.features.securityEvents && !this.isV16) {
      void this.send('SecurityEventNotification', {
        type: this.bootReason === 'PowerUp' ? 'StartupOfTheDevice' : 'ResetOrReboot',
        timestamp: new Date().toISOString(),
      })
    }
    await this.sendAllStatuses(rebooted)
    if (this.firmware.pendingInstalled) {
      this.firmware.pendingInstalled = false
      void this.sendFirmwareStatus('Installed')
    }
    await this.replayOffline()
    startArrivals(this)
  }

  // ── status ───────────────────────────────────────────────────────────────────

  protocolStatus(state: ConnectorState): string {
    return this.isV16 ? connectorStatusV16(state) : connectorStatusV2(state)
  }

  /** Sets a connector's state and tells the CSMS when its protocol status changed. */
  setConnectorState(evse: Evse, connectorId: number, state: ConnectorState): void {
    const c = evse.connectors.find((x) => x.id === connectorId)
    if (!c) return
    c.state = state
    this.changed()
    if (this.isReady) void this.sendStatus(evse, c, false)
  }

  /** Sets every connector of an EVSE (availability). */
  setEvseState(evse: Evse, state: ConnectorState): void {
    for (const c of evse.connectors) this.setConnectorState(evse, c.id, state)
  }

  async sendStatus(evse: Evse, c: Evse['connectors'][number], force: boolean): Promise<void> {
    const status = this.protocolStatus(c.state)
    if (!force && c.sent === status) return
    c.sent = status
    const payload = this.isV16
      ? statusNotification16(evse.id, status as ReturnType<typeof connectorStatusV16>)
      : statusNotification(evse.id, c.id, status as ReturnType<typeof connectorStatusV2>)
    const outcome = await this.send('StatusNotification', payload)
    if (!outcome.ok && c.sent === status) c.sent = undefined
  }

  private async sendAllStatuses(force: boolean): Promise<void> {
    const all: Promise<void>[] = []
    for (const evse of this.evses) for (const c of evse.connectors) all.push(this.sendStatus(evse, c, force))
    await Promise.all(all)
  }

  sendFirmwareStatus(status: string): Promise<CallOutcome> {
    this.firmware.status = status
    this.changed()
    const payload = this.isV16
      ? { status }
      : { status, ...(this.firmware.requestId === undefined ? {} : { requestId: this.firmware.requestId }) }
    return this.send('FirmwareStatusNotification', payload)
  }

  // ── sending ──────────────────────────────────────────────────────────────────

  /**
   * Sends a station-initiated call once connected and accepted. Transaction messages wait in the
   * offline queue when that is not possible; anything else is skipped (a heartbeat while offline
   * has no meaning later).
   */
  send(
    action: string,
    payload: unknown | ((offline: boolean) => unknown),
    opts: { transactional?: boolean; onResult?: (o: CallOutcome) => void } = {},
  ): Promise<CallOutcome> {
    return new Promise((resolve) => {
      const build = typeof payload === 'function' ? (payload as (offline: boolean) => unknown) : () => payload
      const m: QueuedMessage & { transactional: boolean } = {
        action,
        build,
        waited: false,
        transactional: opts.transactional === true,
        onResult: (o) => {
          opts.onResult?.(o)
          resolve(o)
        },
      }
      if (this.isReady && (!m.transactional || (!this.replaying && this.offline.size === 0))) {
        void this.transmit(m)
      } else if (m.transactional && this.running) {
        this.stats.count('offlineQueued')
        const dropped = this.offline.push(m)
        if (dropped) {
          this.stats.error('queue-overflow', dropped.action, '', `${this.id}: offline queue full`)
          dropped.onResult?.(SKIPPED)
        }
        this.changed()
      } else {
        m.onResult?.(SKIPPED)
      }
    })
  }

  /** Sends one message; false when the socket went away and a transaction message was put back. */
  private async transmit(m: QueuedMessage & { transactional?: boolean }): Promise<boolean> {
    const conn = this.conn
    const payload = m.build(m.waited)
    if (payload === undefined || !conn) {
      m.onResult?.(SKIPPED)
      return true
    }
    const outcome = await conn.call(m.action, payload)
    if (!outcome.ok && outcome.kind === 'closed' && m.transactional === true && this.running) {
      this.offline.unshift(m)
      m.waited = true
      return false
    }
    this.record(m.action, outcome)
    m.onResult?.(outcome)
    return true
  }

  private async replayOffline(): Promise<void> {
    if (this.replaying) return
    this.replaying = true
    try {
      while (this.isReady) {
        const m = this.offline.shift()
        if (!m) break
        const done = await this.transmit(m)
        if (!done) break
        this.stats.count('offlineReplayed')
      }
    } finally {
      this.replaying = false
      this.changed()
    }
  }

  private record(action: string, outcome: CallOutcome): void {
    if (outcome.ok) this.stats.callAnswered(action, outcome.latencyMs)
    else if (outcome.kind !== 'closed')
      this.stats.callFailed(action, outcome.kind, outcome.code, `${this.id}: ${outcome.description}`)
  }

  // ── CSMS-initiated calls ─────────────────────────────────────────────────────

  private async onCsmsCall(action: string, payload: unknown): Promise<CsmsAnswer> {
    this.stats.csmsCall(action)
    const answer = this.isV16
      ? await handleCsmsCallV16(this, action, payload)
      : await handleCsmsCallV2(this, action, payload)
    if (this.keepReceived > 0) {
      this.received.push({
        action,
        payload,
        answer: 'result' in answer ? { result: answer.result } : { error: answer.error },
        at: new Date(),
      })
      if (this.received.length > this.keepReceived) this.received.shift()
    }
    this.changed()
    return answer
  }

  // ── observation ──────────────────────────────────────────────────────────────

  /** Calls `listener` after every change of state; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  changed(): void {
    for (const l of this.listeners) l()
  }

  private setCounted(what: 'connected' | 'booted', on: boolean): void {
    if (this.counted[what] === on) return
    this.counted[what] = on
    this.stats[what] += on ? 1 : -1
  }

  get state(): StationState {
    const now = Date.now()
    return {
      id: this.id,
      model: this.model.name,
      protocol: this.o.spec.protocol,
      connection: this.connection,
      bootStatus: this.bootStatus,
      heartbeatIntervalS: this.heartbeatIntervalS,
      connects: this.connects,
      reboots: this.reboots,
      offlineQueue: this.offline.size,
      firmware: {
        version: this.firmware.version,
        status: this.firmware.status,
        requestId: this.firmware.requestId,
      },
      profiles: this.profiles.length,
      evses: this.evses.map((e) => {
        const r = e.meter.read(now)
        const s = e.session
        return {
          id: e.id,
          operative: e.operative,
          connectors: e.connectors.map((c) => ({
            id: c.id,
            type: c.type,
            status: this.protocolStatus(c.state),
          })),
          transactionId:
            s?.tx && !s.tx.ended && !s.tx.failed
              ? s.tx.csmsId === undefined
                ? s.tx.id
                : String(s.tx.csmsId)
              : undefined,
          chargingState: s?.tx?.chargingState,
          idToken: s?.idToken,
          powerW: r.powerW,
          limitW: s?.limitW,
          energyImportWh: r.importWh,
          energyExportWh: r.exportWh,
          soc: s?.ev.soc,
        }
      }),
    }
  }
}
