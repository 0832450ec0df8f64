import { isAppError } from '@csms/bus'
import { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { problem } from '../http/problem.js'

// Shared by the device-management routes (device model, monitoring, jobs, campaigns).

export const StationParam = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9*\-_=:+|@.]{1,48}$/, 'an OCPP identity: 1-48 of A-Z a-z 0-9 * - _ = : + | @ .')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'CS-0001' }),
})

export const IdParam = z.object({
  id: z
    .string()
    .regex(/^\d{1,18}$/, 'a numeric id')
    .openapi({ param: { name: 'id', in: 'path' }, example: '42' }),
})

export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.string().optional().openapi({ description: 'The `next` of the previous page' }),
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

export const body = <T extends z.ZodType>(schema: T) => ({
  content: { 'application/json': { schema } },
  required: true,
})

/** Drops undefined fields, for bodies under exactOptionalPropertyTypes. */
export function defined<T extends Record<string, unknown>>(
  o: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never
}

/** Maps the errors device-management answers with onto problem details; others go to onError. */
export function rpcProblem(c: Context, error: unknown): never {
  if (!isAppError(error)) throw error
  switch (error.code) {
    case 'invalid_input':
      return problem(c, 400, error.message)
    case 'not_found':
      return problem(c, 404, error.message)
    case 'station_offline':
      return problem(c, 404, error.message)
    case 'conflict':
      return problem(c, 409, error.message)
    case 'timeout':
      return problem(c, 504, error.message)
    default:
      throw error
  }
}
