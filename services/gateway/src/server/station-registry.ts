import { kickSubject } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/transport-node'
import type { GatewayMetrics } from '../gateway-metrics.js'
import type { StationSession } from '../session/station-session.js'
import { CLOSE, type StationSocket } from './station-socket.js'

type Kick = { stationId: string; connectionId: string; openedAt: number }

// Every pod listens to every kick: one subscription per pod rather than one more per station.
const KICK_PATTERN = kickSubject('x').replace(/[^.]+$/, '*')

/** True when socket a (opened at, id) is older than b: the older one is evicted. */
function isOlder(a: Kick, b: Kick): boolean {
  return a.openedAt !== b.openedAt ? a.openedAt < b.openedAt : a.connectionId < b.connectionId
}

/**
 * The open sockets of this pod by station id, and the rule that one socket answers per station:
 * a newer socket evicts an older one here at once, and on other pods through a kick published on
 * gw.kick.<stationId>. When two pods accept the same station at nearly the same moment, each
 * compares the kick with its own socket, so exactly the newer one survives on both sides.
 */
export class StationRegistry {
  private readonly sockets = new Map<string, StationSocket>()
  private readonly kickSub: Subscription

  constructor(
    private readonly nc: NatsConnection,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {
    this.kickSub = nc.subscribe(KICK_PATTERN, { callback: (_err, msg) => this.onKick(msg.string()) })
  }

  get size(): number {
    return this.sockets.size
  }

  /** The session of the station's socket on this pod, if it has one. */
  session(stationId: string): StationSession | undefined {
    return this.sockets.get(stationId)?.getUserData().session
  }

  all(): StationSocket[] {
    return [...this.sockets.values()]
  }

  /** Registers a freshly opened socket, evicting an older one here and announcing it to other pods. */
  add(ws: StationSocket): void {
    const u = ws.getUserData()
    const older = this.sockets.get(u.stationId)
    this.sockets.set(u.stationId, ws)
    if (older) this.evict(older, 'local')
    const kick: Kick = { stationId: u.stationId, connectionId: u.connectionId, openedAt: u.openedAt }
    this.nc.publish(kickSubject(u.stationId), JSON.stringify(kick))
  }

  remove(ws: StationSocket): void {
    const { stationId } = ws.getUserData()
    if (this.sockets.get(stationId) === ws) this.sockets.delete(stationId)
  }

  private onKick(body: string): void {
    let kick: Kick
    try {
      kick = JSON.parse(body) as Kick
    } catch {
      return
    }
    const ws = this.sockets.get(kick.stationId)
    if (!ws) return
    const mine = ws.getUserData()
    if (mine.connectionId !== kick.connectionId && isOlder(mine, kick)) this.evict(ws, 'remote')
  }

  private evict(ws: StationSocket, scope: 'local' | 'remote'): void {
    const { stationId, connectionId } = ws.getUserData()
    this.metrics.evictions.inc({ scope })
    this.logger.info({ stationId, connectionId, scope }, 'older socket evicted by a newer connection')
    ws.end(CLOSE.replaced, 'replaced by a newer connection')
  }

  close(): void {
    this.kickSub.unsubscribe()
  }
}
