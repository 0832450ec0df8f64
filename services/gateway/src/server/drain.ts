import { setTimeout as delay } from 'node:timers/promises'
import type { Logger } from '@csms/telemetry'
import type { Inflight } from '../session/inflight.js'
import type { ConnectionEvents } from './connection-events.js'
import type { MessageLog } from './message-log.js'
import type { StationRegistry } from './station-registry.js'
import { CLOSE } from './station-socket.js'

/** Waits for `p` at most `ms`; true when it settled in time. Never rejects. */
export async function waitAtMost(ms: number, p: Promise<unknown>): Promise<boolean> {
  const timer = new AbortController()
  try {
    return await Promise.race([
      p.then(
        () => true,
        () => true,
      ),
      delay(ms, false, { signal: timer.signal }),
    ])
  } finally {
    timer.abort()
  }
}

export type DrainDeps = {
  registry: StationRegistry
  inflight: Inflight
  events: ConnectionEvents
  messageLog: MessageLog | undefined
  logger: Logger
}

/**
 * A pod's orderly exit (SIGTERM), once it no longer accepts connections: CSMS calls not yet
 * taken go elsewhere, CALLs in flight (both directions) get their answers for up to `timeoutMs`,
 * then every socket closes with 1012 "service restart" so stations reconnect to another pod at
 * once, and the last events and log entries leave before NATS closes.
 */
export async function drainSockets(d: DrainDeps, timeoutMs: number): Promise<void> {
  for (const ws of d.registry.all()) {
    const u = ws.getUserData()
    u.outSub?.unsubscribe()
    u.outSub = undefined
  }
  const busy = d.inflight.count
  const idle = await waitAtMost(timeoutMs, d.inflight.idle())
  d.logger.info(
    { inFlightAtStart: busy, answeredAll: idle, stillInFlight: d.inflight.count, sockets: d.registry.size },
    'draining: closing sockets',
  )
  for (const ws of d.registry.all()) ws.end(CLOSE.serviceRestart, 'service restart')
  d.messageLog?.flush()
  await waitAtMost(5_000, d.events.settled())
  d.events.stop()
}
