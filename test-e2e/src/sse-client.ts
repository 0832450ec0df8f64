export type SseEvent = { id: string; event: string; data: string }

/**
 * Reads a server-sent event stream with fetch, as a back office would; `stop()` ends it
 * (a dropped connection), after which the client may reconnect with the last id it saw.
 */
export async function openSse(url: string, headers: Record<string, string>) {
  const controller = new AbortController()
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  })
  const events: SseEvent[] = []
  const waiters: Array<() => void> = []
  const done = (async () => {
    if (!res.body) return
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true })
        let end = buffer.indexOf('\n\n')
        while (end >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event: SseEvent = { id: '', event: 'message', data: '' }
          for (const line of block.split('\n')) {
            if (line.startsWith('id:')) event.id = line.slice(3).trim()
            else if (line.startsWith('event:')) event.event = line.slice(6).trim()
            else if (line.startsWith('data:')) event.data += line.slice(5).trim()
          }
          if (event.id) {
            events.push(event)
            for (const w of waiters.splice(0)) w()
          }
          end = buffer.indexOf('\n\n')
        }
      }
    } catch {
      // Aborted by stop().
    }
  })()
  return {
    status: res.status,
    events,
    async waitFor(predicate: (events: SseEvent[]) => boolean, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs
      while (!predicate(events)) {
        if (Date.now() > deadline)
          throw new Error(`SSE: condition not met; got ${events.map((e) => e.event).join(', ')}`)
        await new Promise<void>((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 200)
        })
      }
    },
    async stop(): Promise<void> {
      controller.abort()
      await done
    },
  }
}
