import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  const now = sql`now()`
  await db.schema
    .createTable('nodes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('limit_w', 'double precision')
    .addColumn('limit_a', 'double precision')
    .addColumn('firm_limit_w', 'double precision')
    .addColumn('firm_limit_a', 'double precision')
    .addColumn('schedule', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('time_of_use', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('defaults', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('tx_default_limit', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute()
  await db.schema.createIndex('nodes_site_idx').on('nodes').column('site_id').execute()

  await db.schema
    .createTable('station_placements')
    .addColumn('station_id', 'text', (c) => c.primaryKey())
    .addColumn('node_id', 'text')
    .addColumn('current', 'text')
    .addColumn('phases', 'integer')
    .addColumn('voltage', 'double precision')
    .addColumn('max_current_a', 'double precision')
    .addColumn('max_power_w', 'double precision')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute()

  await db.schema
    .createTable('priority_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('match', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('windows', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('priority_rules_match_value', ['match', 'value'])
    .execute()

  // One row per EVSE with an active transaction (any station; site_id set when balanced).
  await db.schema
    .createTable('sessions')
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('evse_id', 'integer', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('site_id', 'text')
    .addColumn('node_id', 'text')
    .addColumn('id_token', 'text')
    .addColumn('group_id_token', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('charging_state', 'text')
    .addColumn('energy_wh', 'double precision', (c) => c.notNull().defaultTo(0))
    .addColumn('measured_w', 'double precision')
    .addColumn('measured_at', 'timestamptz')
    .addColumn('deadline', 'jsonb')
    .addColumn('bound_w', 'double precision')
    .addColumn('profile_state', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('applied_w', 'double precision')
    .addColumn('applied_a', 'double precision')
    .addColumn('allocated_w', 'double precision')
    .addColumn('allocated_a', 'double precision')
    .addColumn('allocation_reason', 'text')
    .addColumn('priority', 'integer')
    .addColumn('electrical', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('sessions_pk', ['station_id', 'evse_id'])
    .execute()
  await db.schema.createIndex('sessions_site_idx').on('sessions').column('site_id').execute()

  await db.schema
    .createTable('ev_needs')
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('evse_id', 'integer', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('ev_needs_pk', ['station_id', 'evse_id'])
    .execute()

  await db.schema
    .createTable('ev_schedules')
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('evse_id', 'integer', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('ev_schedules_pk', ['station_id', 'evse_id'])
    .execute()

  // Profiles the CSMS sent and what the station answered (K01, K10).
  await db.schema
    .createTable('charging_profiles')
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'integer', (c) => c.notNull())
    .addColumn('evse_id', 'integer', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('stack_level', 'integer', (c) => c.notNull())
    .addColumn('transaction_id', 'text')
    .addColumn('profile', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_info', 'jsonb')
    .addColumn('set_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('charging_profiles_pk', ['station_id', 'profile_id'])
    .execute()

  // What stations reported (K09 ReportChargingProfiles), per request.
  await db.schema
    .createTable('reported_profiles')
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'integer', (c) => c.notNull())
    .addColumn('evse_id', 'integer', (c) => c.notNull())
    .addColumn('profile_id', 'integer', (c) => c.notNull())
    .addColumn('charging_limit_source', 'text', (c) => c.notNull())
    .addColumn('profile', 'jsonb', (c) => c.notNull())
    .addColumn('reported_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('reported_profiles_pk', ['station_id', 'request_id', 'evse_id', 'profile_id'])
    .execute()

  // External limits (K11-K13: NotifyChargingLimit, ClearedChargingLimit); evse 0 = the station.
  await db.schema
    .createTable('external_limits')
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('evse_id', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('is_grid_critical', 'boolean')
    .addColumn('schedules', 'jsonb', (c) => c.notNull())
    .addColumn('set_at', 'timestamptz', (c) => c.notNull())
    .addColumn('cleared_at', 'timestamptz')
    .addPrimaryKeyConstraint('external_limits_pk', ['station_id', 'evse_id', 'source'])
    .execute()

  await db.schema
    .createTable('composite_checks')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('station_id', 'text', (c) => c.notNull())
    .addColumn('evse_id', 'integer', (c) => c.notNull())
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('matches', 'boolean', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('composite_checks_station_idx')
    .on('composite_checks')
    .columns(['station_id', 'checked_at'])
    .execute()

  await db.schema
    .createTable('station_defaults')
    .addColumn('station_id', 'text', (c) => c.primaryKey())
    .addColumn('limit', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute()

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'leases',
    'station_defaults',
    'composite_checks',
    'external_limits',
    'reported_profiles',
    'charging_profiles',
    'ev_schedules',
    'ev_needs',
    'sessions',
    'priority_rules',
    'station_placements',
    'nodes',
  ]) {
    await db.schema.dropTable(t).execute()
  }
}
