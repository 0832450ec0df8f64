import type { Context } from 'hono'
import { z } from 'zod'

/** RFC 9457 problem details, the body of every error the API returns. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  ocppErrorCode: z.string().optional(),
  ocppErrorDetails: z.unknown().optional(),
})
export type Problem = z.infer<typeof ProblemSchema>

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Content Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

/**
 * Typed `never` so that it fits the declared responses of every route: the OpenAPI document
 * lists each route's problem responses explicitly (`problemResponse`).
 */
export function problem(c: Context, status: number, detail: string, extra: Partial<Problem> = {}): never {
  const body: Problem = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...extra }
  return c.body(JSON.stringify(body), status as 400, { 'content-type': 'application/problem+json' }) as never
}

export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: ProblemSchema } } }
}
