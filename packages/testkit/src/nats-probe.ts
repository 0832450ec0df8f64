import { connect } from 'node:net'

/** The fields of the NATS INFO line the testkit looks at. */
export type NatsServerInfo = { server_id?: string; version?: string; jetstream?: boolean }

/**
 * Opens a TCP connection and reads the INFO line a NATS server sends first. Resolves with it,
 * or rejects (refused, closed, no INFO in time): a server that says INFO accepts clients.
 */
export function probeNats(host: string, port: number, timeoutMs = 1_000): Promise<NatsServerInfo> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port })
    let buffered = ''
    const finish = (error: Error | undefined, info?: NatsServerInfo) => {
      socket.destroy()
      if (error) reject(error)
      else resolve(info as NatsServerInfo)
    }
    socket.setTimeout(timeoutMs, () => finish(new Error(`no INFO from ${host}:${port} in ${timeoutMs} ms`)))
    socket.on('error', (error) => finish(error))
    socket.on('close', () => finish(new Error(`${host}:${port} closed before sending INFO`)))
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8')
      const end = buffered.indexOf('\r\n')
      if (end === -1) return
      const line = buffered.slice(0, end)
      if (!line.startsWith('INFO ')) {
        finish(new Error(`${host}:${port} is not a NATS server (first line: ${line.slice(0, 80)})`))
        return
      }
      try {
        finish(undefined, JSON.parse(line.slice('INFO '.length)) as NatsServerInfo)
      } catch (error) {
        finish(error as Error)
      }
    })
  })
}
