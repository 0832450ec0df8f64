import { toDbError } from '@csms/db'
import { type Kysely, sql } from 'kysely'

// meter_values is range-partitioned by day (UTC) on sampled_at. Partitions are created ahead of
// time, so the hot path never creates one; old ones can be dropped whole, which is how retention
// stays cheap at billions of rows. Readings outside every partition land in the default one.

const DAY_MS = 86_400_000

export function partitionName(day: Date): string {
  return `meter_values_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`
}

function startOfDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS)
}

export type PartitionReport = {
  created: string[]
  skipped: Array<{ name: string; reason: string }>
  dropped: string[]
}

/**
 * Creates the daily partitions from `pastDays` before `now` to `aheadDays` after it, and drops
 * those older than `retentionDays` (0 keeps everything). Safe to run from several replicas.
 */
export async function maintainPartitions<DB>(
  db: Kysely<DB>,
  opts: { now: Date; pastDays: number; aheadDays: number; retentionDays: number },
): Promise<PartitionReport> {
  const report: PartitionReport = { created: [], skipped: [], dropped: [] }
  const existing = new Set(await listPartitions(db))
  const today = startOfDay(opts.now)
  for (let d = -opts.pastDays; d <= opts.aheadDays; d++) {
    const from = new Date(today.getTime() + d * DAY_MS)
    const name = partitionName(from)
    if (existing.has(name)) continue
    const to = new Date(from.getTime() + DAY_MS)
    try {
      await sql`create table if not exists ${sql.table(name)} partition of meter_values
        for values from (${sql.lit(from.toISOString())}) to (${sql.lit(to.toISOString())})`.execute(db)
      report.created.push(name)
    } catch (error) {
      // 23514: the default partition already holds readings of that day (a station clock was
      // ahead); 42P07: another replica created it first. Neither loses a reading.
      const e = toDbError(error)
      report.skipped.push({ name, reason: e.sqlState === '42P07' ? 'exists' : e.message })
    }
  }
  if (opts.retentionDays > 0) {
    const oldest = partitionName(new Date(today.getTime() - opts.retentionDays * DAY_MS))
    for (const name of existing) {
      if (name < oldest) {
        await sql`drop table if exists ${sql.table(name)}`.execute(db)
        report.dropped.push(name)
      }
    }
  }
  return report
}

export async function listPartitions<DB>(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name
    from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = 'meter_values' and p.relnamespace = to_regnamespace(current_schema())
      and c.relname like 'meter\_values\_p%'
    order by 1`.execute(db)
  return rows.map((r) => r.name)
}
