import type { GatewayMetrics } from '../gateway-metrics.js'
import type { FrameSink } from '../session/session-context.js'

/**
 * Samples the bytes buffered for slow stations into the send-buffer gauge (sum and max) every
 * `everyMs`: a gauge read costs nothing on the hot path, unlike an observation per send. Only
 * sockets that buffered since they last drained are read: reading all 19,000 sockets of a pod
 * every few seconds stalled the event loop for milliseconds each time.
 */
export function startSendBufferSampler(buffering: Set<FrameSink>, metrics: GatewayMetrics, everyMs: number) {
  const timer = setInterval(() => {
    let sum = 0
    let max = 0
    for (const ws of buffering) {
      const n = ws.getBufferedAmount()
      if (n === 0) buffering.delete(ws)
      sum += n
      if (n > max) max = n
    }
    metrics.sendBuffer.set({ stat: 'sum' }, sum)
    metrics.sendBuffer.set({ stat: 'max' }, max)
  }, everyMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
