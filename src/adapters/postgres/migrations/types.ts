/** One schema change: applied once, in version order, recorded in `schema_migrations`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** The SQL, for the quoted schema identifier and the schema's advisory-lock keys. */
  readonly sql: (schema: string, locks: SchemaLocks) => string;
}

/** The advisory-lock keys of one schema: (class, key) pairs, so schemas never contend with each other. */
export interface SchemaLocks {
  readonly migrate: readonly [number, number];
  readonly logBarrier: readonly [number, number];
}
