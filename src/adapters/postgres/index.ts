/**
 * The PostgreSQL adapter set, by name: storage (event store, sessions view, provisioning queue), the
 * catalog in tables, migrations, and the instance registry.
 */
export type { PostgresConnectionOptions } from './database.js';
export { PostgresDatabase, withDefaultUser } from './database.js';
export type { PostgresStorageOptions, PostgresStorageAdapter } from './module.js';
export { postgresStorage } from './module.js';
export { PostgresEventStore } from './event-store.js';
export { PostgresSessionViews } from './session-views.js';
export { PostgresJobQueue } from './job-queue.js';
export type { PostgresCatalogOptions } from './catalog.js';
export { PostgresCatalog, loadSeed } from './catalog.js';
export type { MigrateResult } from './migrate.js';
export { DEFAULT_SCHEMA, migrate, schemaVersion, assertSchemaCurrent } from './migrate.js';
export { LATEST_SCHEMA_VERSION } from './migrations/index.js';
export type { PostgresInstanceRegistryOptions } from './instance-registry.js';
export { PostgresInstanceRegistry } from './instance-registry.js';
export type { EmbeddedPostgresOptions, EmbeddedPostgresStorageAdapter } from './embedded/embedded.js';
export { embeddedPostgres } from './embedded/embedded.js';
export { DataDirectoryInUseError } from './embedded/data-dir-lock.js';
