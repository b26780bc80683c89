import type { ExistingSession } from '../../domain/index.js';

/**
 * The kinds of entity the storage ports name: each aggregate whose rows (views, jobs, client tokens) the
 * store keeps. Kept here alone, so that adding an aggregate's kind makes the compiler name every place
 * that must learn it (the view bodies below, the client-token replayers, the adapters' view dispatch).
 */
export const ENTITY_KINDS = ['session'] as const;

export type EntityKind = (typeof ENTITY_KINDS)[number];

/** One entity: its kind and its id (unique within its studio and kind). */
export interface EntityRef<K extends EntityKind = EntityKind> {
  readonly kind: K;
  readonly id: string;
}

/** The entity a command acts on, in its studio (the partition key every row carries). */
export interface EntityKey<K extends EntityKind = EntityKind> extends EntityRef<K> {
  readonly studioId: string;
}

/** What the view row of each kind of entity holds. */
export interface EntityViewBodies {
  readonly session: ExistingSession;
}

/** A session, as the ports name it. */
export const sessionEntity = (id: string): EntityRef => ({ kind: 'session', id });

/** The entity of a key, without its studio. */
export const entityOf = <K extends EntityKind>(key: EntityKey<K>): EntityRef<K> => ({
  kind: key.kind,
  id: key.id,
});

/**
 * A storage write named an entity kind the adapter has no table for (a view or purge of a kind whose
 * aggregate this release does not know). Nothing of the unit is written. A programming error, never a
 * conflict to retry.
 */
export class UnknownEntityKindError extends Error {
  override readonly name = 'UnknownEntityKindError';

  constructor(readonly kind: string) {
    super(`No view is stored for entities of kind "${kind}".`);
  }
}
