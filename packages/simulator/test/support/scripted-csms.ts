import type { AddressInfo } from 'node:net'
import { type WebSocket, WebSocketServer } from 'ws'

export type Received = {
  station: string
  action: string
  payload: Record<string, unknown>
  at: number
  connection: number
}

/**
 * A tiny CSMS for behaviour tests: answers each CALL with what `answer` returns, records every
 * CALL with the connection it came on, and can refuse new connections (an outage).
 */
export async function startScriptedCsms(answer: (r: Received) => unknown) {
  const received: Received[] = []
  const sockets = new Set<WebSocket>()
  let refusing = false
  let connections = 0
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    handleProtocols: (protocols) => [...protocols][0] ?? false,
    verifyClient: (_info, done) => (refusing ? done(false, 503, 'outage') : done(true)),
  })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  const waiters: { predicate: () => boolean; resolve: () => void }[] = []
  const notify = () => {
    for (const w of [...waiters]) if (w.predicate()) waiters.splice(waiters.indexOf(w), 1) && w.resolve()
  }
  server.on('connection', (ws, req) => {
    const connection = ++connections
    const station = decodeURIComponent(req.url?.split('/').pop() ?? '')
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as [number, string, string, Record<string, unknown>]
      if (frame[0] !== 2) return
      const r = { station, action: frame[2], payload: frame[3], at: Date.now(), connection }
      received.push(r)
      ws.send(JSON.stringify([3, frame[1], answer(r)]))
      notify()
    })
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `ws://127.0.0.1:${port}/ocpp`,
    received,
    setRefusing(on: boolean) {
      refusing = on
    },
    /** Resolves once `predicate` holds over what was received (checked after every CALL). */
    until(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
      if (predicate()) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`scripted CSMS: condition not met in ${timeoutMs} ms`)),
          timeoutMs,
        )
        waiters.push({
          predicate,
          resolve: () => {
            clearTimeout(timer)
            resolve()
          },
        })
      })
    },
    async stop() {
      for (const ws of sockets) ws.terminate()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
