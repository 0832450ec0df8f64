import type { ManagedServer } from './managed-server.js'

// Overridable so CI can pin or mirror images; defaults follow the versions the platform targets.
const natsImage = () => process.env.CSMS_TESTKIT_NATS_IMAGE ?? 'nats:2.10-alpine'
const postgresImage = () => process.env.CSMS_TESTKIT_POSTGRES_IMAGE ?? 'postgres:16-alpine'

/**
 * NATS in a container. A plain GenericContainer rather than @testcontainers/nats, whose
 * container always requires a user and password that a nats:// URL cannot carry to nats.js.
 * testcontainers is imported lazily: it is heavy and machines without Docker never need it.
 */
export async function startNatsContainer(options: { jetstream: boolean }): Promise<ManagedServer> {
  const { GenericContainer, Wait } = await import('testcontainers')
  const container = await new GenericContainer(natsImage())
    .withCommand(options.jetstream ? ['--jetstream'] : [])
    .withExposedPorts(4222)
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .withStartupTimeout(120_000)
    .start()
  return {
    url: `nats://${container.getHost()}:${container.getMappedPort(4222)}`,
    stop: async () => {
      await container.stop()
    },
  }
}

/** PostgreSQL in a container; its URL is a superuser's, so callers create databases with it. */
export async function startPostgresContainer(): Promise<ManagedServer> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql')
  const container = await new PostgreSqlContainer(postgresImage()).withStartupTimeout(120_000).start()
  return {
    url: container.getConnectionUri(),
    stop: async () => {
      await container.stop()
    },
  }
}
