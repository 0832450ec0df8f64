import { type AppError, RuleViolationSchema } from '@csms/bus'
import type { Context } from 'hono'
import { z } from 'zod'
import { problem } from './problem.js'

// A service that refuses a request for the rules it breaks (the charging-profile rules of K01
// and K05) names them in its invalid_input error's details; the error's own message is cut to
// one NATS header line, so the problem is written from the details.

const DetailsSchema = z.object({ violations: z.array(RuleViolationSchema).min(1) })

/** 400; with violations, one `errors` entry per broken rule as the charging-profile routes answer. */
export function invalidInput(c: Context, error: AppError): never {
  const parsed = DetailsSchema.safeParse(error.details)
  if (!parsed.success) return problem(c, 400, error.message)
  const { violations } = parsed.data
  return problem(c, 400, violations.map((v) => `${v.rule}: ${v.message}`).join('; '), {
    errors: violations.map((v) => ({ path: v.rule, message: v.message })),
  })
}
