import type { HttpResponse } from 'uWebSockets.js'

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
}

/** Ends an upgrade request with an HTTP status and a one-line reason a person can act on. */
export function refuse(
  res: HttpResponse,
  status: number,
  reason: string,
  extraHeaders: Record<string, string> = {},
) {
  res.cork(() => {
    res.writeStatus(`${status} ${STATUS_TEXT[status] ?? 'Error'}`)
    for (const [k, v] of Object.entries(extraHeaders)) res.writeHeader(k, v)
    res.writeHeader('content-type', 'text/plain; charset=utf-8')
    res.end(`${reason}\n`)
  })
}
