import type { Migration, MigrationProvider } from 'kysely'
import * as m0010 from './0010-initial'
import * as m0020 from './0020-search-and-counts'
import * as m0030 from './0030-sparse-indexes'
import * as m0100 from './0100-dashboard'
import * as m0110 from './0110-device-acceptance'

/**
 * Ordered server migrations, numbered like the inventory's (multiples of 10). Never edit a shipped
 * one; add the next number. Kysely's migrator runs them in name order, records them in
 * `server_migrations`, and refuses a database that holds a migration this build does not know.
 */
export const SERVER_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0010-initial': m0010,
  '0020-search-and-counts': m0020,
  '0030-sparse-indexes': m0030,
  '0100-dashboard': m0100,
  '0110-device-acceptance': m0110,
}

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...SERVER_MIGRATIONS }),
}
