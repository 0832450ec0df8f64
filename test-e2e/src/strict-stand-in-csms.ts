import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'

export type Send = (frame: unknown[]) => void

/**
 * A bare WebSocket server on a free local port that plays a CSMS breaking the rules, for the
 * self-checks of the strict stations: it sends `greeting` to each station that connects, records
 * every frame the station sends and lets `play` answer it.
 */
export async function startStandInCsms(greeting: unknown[], play: (frame: unknown[], send: Send) => void) {
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    handleProtocols: (offered) => [...offered][0] ?? false,
  })
  await once(server, 'listening')
  const fromStation: unknown[][] = []
  server.on('connection', (ws) => {
    const send: Send = (frame) => ws.send(JSON.stringify(frame))
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as unknown[]
      fromStation.push(frame)
      play(frame, send)
    })
    send(greeting)
  })
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ocpp`,
    /** Every frame the stations sent, in order. */
    fromStation,
    async stop(): Promise<void> {
      for (const ws of server.clients) ws.terminate()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
