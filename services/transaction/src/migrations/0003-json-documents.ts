import { type Kysely, sql } from 'kysely'

// The session document and the sampled values of an instant become `json`, not `jsonb`. Both
// are written whole on every message and read whole, never searched inside, and jsonb's input
// (a parse into a sorted tree, every number through numeric_in) was 40 % of PostgreSQL's CPU
// on the meter-value path; json only checks the text (services/transaction/BENCHMARKS.md,
// round 4). Rewrites both tables: on a large meter_values, run it in a maintenance window.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table meter_values alter column samples type json using samples::json`.execute(db)
  await sql`alter table transactions alter column doc type json using doc::json`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table meter_values alter column samples type jsonb using samples::jsonb`.execute(db)
  await sql`alter table transactions alter column doc type jsonb using doc::jsonb`.execute(db)
}
