import { type Kysely, sql } from 'kysely'

// Jobs: a CSMS-initiated request whose progress the station reports later (firmware, logs,
// reports, customer information), with its status history. Campaigns: one job (or one
// configuration change) per selected station, a bounded number at a time.
export async function up(db: Kysely<unknown>): Promise<void> {
  // requestIds the CSMS picks (1.6 requests carry none; API-started 2.0.1 jobs need one).
  await sql`CREATE SEQUENCE request_ids AS integer MINVALUE 1 MAXVALUE 2147483647 CYCLE`.execute(db)

  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('selector', 'jsonb', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('concurrency', 'integer', (c) => c.notNull())
    .addColumn('failure_threshold', 'integer', (c) => c.notNull())
    .addColumn('target_timeout_s', 'integer', (c) => c.notNull())
    .addColumn('paused_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute()
  await sql`CREATE INDEX campaigns_active_idx ON campaigns (id) WHERE status IN ('running', 'paused')`.execute(
    db,
  )

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('request_id', 'integer', (c) => c.notNull())
    .addColumn('campaign_id', 'bigint', (c) => c.references('campaigns.id').onDelete('set null'))
    .addColumn('request', 'jsonb')
    .addColumn('response_status', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute()
  // A station's notification finds its job by requestId (the newest wins).
  await db.schema
    .createIndex('jobs_request_idx')
    .on('jobs')
    .columns(['station_id', 'kind', 'request_id', 'id'])
    .execute()
  await db.schema.createIndex('jobs_station_idx').on('jobs').columns(['station_id', 'id']).execute()
  await db.schema.createIndex('jobs_campaign_idx').on('jobs').column('campaign_id').execute()

  await db.schema
    .createTable('job_history')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('job_id', 'bigint', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('info', 'jsonb')
    .execute()
  await db.schema.createIndex('job_history_job_idx').on('job_history').columns(['job_id', 'id']).execute()

  await db.schema
    .createTable('campaign_targets')
    .addColumn('campaign_id', 'bigint', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('job_id', 'bigint')
    .addColumn('error', 'text')
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .addPrimaryKeyConstraint('campaign_targets_pk', ['campaign_id', 'station_id'])
    .execute()
  await db.schema
    .createIndex('campaign_targets_state_idx')
    .on('campaign_targets')
    .columns(['campaign_id', 'state'])
    .execute()
  await db.schema.createIndex('campaign_targets_job_idx').on('campaign_targets').column('job_id').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('campaign_targets').execute()
  await db.schema.dropTable('job_history').execute()
  await db.schema.dropTable('jobs').execute()
  await db.schema.dropTable('campaigns').execute()
  await sql`DROP SEQUENCE request_ids`.execute(db)
}
