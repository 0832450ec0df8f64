import pg from 'pg'

export type BootstrapOptions = {
  socketDir: string
  port: number
  user: string
  password: string
  database: string
}

/**
 * Makes sure the platform's role (LOGIN, CREATEDB, password auth on TCP) and database exist.
 * It connects as the `postgres` superuser over the unix socket, which initdb set to trust and
 * which only the owner of the data folder can reach. Runs on every start, so a first run
 * that died half-way is repaired by the next.
 */
export async function bootstrapRoleAndDatabase(options: BootstrapOptions): Promise<void> {
  const { socketDir, port, user, password, database } = options
  const client = new pg.Client({ host: socketDir, port, user: 'postgres', database: 'postgres' })
  await client.connect()
  try {
    const role = client.escapeIdentifier(user)
    const secret = client.escapeLiteral(password)
    const roles = await client.query('select 1 from pg_roles where rolname = $1', [user])
    const verb = roles.rowCount === 0 ? 'create' : 'alter'
    // alter keeps the password in step with the options of this run.
    await client.query(`${verb} role ${role} with login createdb password ${secret}`)
    // DROP DATABASE ... WITH (FORCE) must end every session on the database, autovacuum workers
    // included, and those run as no role at all: without pg_signal_backend a scratch database
    // that autovacuum happens to visit cannot be dropped.
    await client.query(`grant pg_signal_backend to ${role}`)
    const databases = await client.query('select 1 from pg_database where datname = $1', [database])
    if (databases.rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(database)} owner ${role}`)
    }
  } finally {
    await client.end()
  }
}
