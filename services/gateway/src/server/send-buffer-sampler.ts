import type { GatewayMetrics } from '../gateway-metrics.js'
import type { StationRegistry } from './station-registry.js'

/**
 * Samples the bytes buffered for slow stations into the send-buffer gauge (sum and max) every
 * `everyMs`: a gauge read costs nothing on the hot path, unlike an observation per send.
 */
export function startSendBufferSampler(registry: StationRegistry, metrics: GatewayMetrics, everyMs: number) {
  const timer = setInterval(() => {
    let sum = 0
    let max = 0
    for (const ws of registry.all()) {
      const n = ws.getBufferedAmount()
      sum += n
      if (n > max) max = n
    }
    metrics.sendBuffer.set({ stat: 'sum' }, sum)
    metrics.sendBuffer.set({ stat: 'max' }, max)
  }, everyMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
