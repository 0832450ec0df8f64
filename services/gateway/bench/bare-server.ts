import uWS from 'uWebSockets.js'
import { startLoopStats } from './loop-stats.js'
import { answerMemoryRequests } from './memory-hook.js'

// The yardstick: a bare uWebSockets.js server answering every CALL with a canned CALLRESULT,
// without authentication, schema validation, NATS, message log or metrics. It reads the message
// id (one JSON.parse), as any OCPP-J endpoint must.

const port = Number(process.env.BARE_PORT ?? 0)
const app = uWS.App()
app.ws('/*', {
  compression: uWS.DISABLED,
  idleTimeout: 120,
  sendPingsAutomatically: true,
  upgrade(res, req, context) {
    const protocol = req.getHeader('sec-websocket-protocol').split(',')[0]?.trim() ?? ''
    res.upgrade(
      {},
      req.getHeader('sec-websocket-key'),
      protocol,
      req.getHeader('sec-websocket-extensions'),
      context,
    )
  },
  message(ws, message) {
    const [, id] = JSON.parse(Buffer.from(message).toString('utf8')) as [number, string]
    ws.send(JSON.stringify([3, id, { currentTime: new Date().toISOString() }]))
  },
})
app.listen('127.0.0.1', port, (token) => {
  if (!token) {
    console.error(`bare server cannot listen on ${port}`)
    process.exit(1)
  }
  process.send?.({ type: 'ready', port: uWS.us_socket_local_port(token as unknown as uWS.us_socket) })
})
answerMemoryRequests()
startLoopStats()
