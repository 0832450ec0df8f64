import { type Logger, pino } from 'pino'

export type { Logger }

/** JSON logs on stdout, one line each, as Kubernetes log collectors expect. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime })
}
