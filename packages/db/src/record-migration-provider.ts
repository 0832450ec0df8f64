import type { Migration, MigrationProvider } from 'kysely'

/**
 * Hands kysely migrations from a plain object. Compiled services import their migrations
 * (`import * as m001 from './migrations/001-create-stations.js'`) so they ship inside `dist/`;
 * a folder-scanning provider would depend on file layout at run time.
 * Names sort as strings, so prefix them: `001_create_stations`, `002_add_evses`.
 */
export class RecordMigrationProvider implements MigrationProvider {
  readonly #migrations: Readonly<Record<string, Migration>>

  constructor(migrations: Readonly<Record<string, Migration>>) {
    this.#migrations = migrations
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...this.#migrations }
  }
}
