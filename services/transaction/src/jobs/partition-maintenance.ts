import type { Logger } from '@csms/telemetry'
import type { Kysely } from 'kysely'
import { maintainPartitions } from '../repo/partitions.js'

export type PartitionPolicy = { pastDays: number; aheadDays: number; retentionDays: number }

/** Keeps tomorrow's meter-value partitions ready: at start, then every hour. */
export async function startPartitionMaintenance<DB>(deps: {
  db: Kysely<DB>
  policy: PartitionPolicy
  logger: Logger
  intervalMs?: number
}): Promise<{ stop(): Promise<void> }> {
  const run = async () => {
    const report = await maintainPartitions(deps.db, { now: new Date(), ...deps.policy })
    if (report.created.length + report.dropped.length > 0) {
      deps.logger.info(
        { created: report.created, dropped: report.dropped },
        'meter-value partitions maintained',
      )
    }
    for (const s of report.skipped) deps.logger.warn(s, 'meter-value partition not created')
  }
  await run()
  let running: Promise<void> | null = null
  const timer = setInterval(() => {
    running ??= run()
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'partition maintenance failed'))
      .finally(() => {
        running = null
      })
  }, deps.intervalMs ?? 3_600_000)
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
