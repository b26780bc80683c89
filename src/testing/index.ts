/**
 * `nimble-streaming-sessions/testing`: helpers for testing deciders and for property tests of the
 * streaming-session rules. The arbitraries need `fast-check` (4.x) installed beside the package.
 */
export { DeciderSpecification, DeciderSpecificationError } from './decider-spec.js';
export { VirtualClock } from './virtual-clock.js';
export type { DeciderSpecificationFor, DeciderThen, DeciderWhen, SpecifiedDecider } from './decider-spec.js';
export {
  NIMBLE_REGIONS,
  ID_PATTERNS,
  STOP_RULE_ROWS,
  STOP_ALLOWED_BY_ROW,
  arbStudioId,
  arbResourceId,
  arbPrincipalId,
  arbIamPrincipalId,
  arbClientToken,
  arbInstant,
  arbTags,
  arbStreamConfigurationCase,
  arbStreamConfiguration,
  arbStudio,
  arbLaunchProfile,
  arbStreamingImage,
  arbCreateWorld,
  membershipIn,
  arbQuotaLimits,
  arbSessionSlot,
  arbSessionRequestedData,
  arbSessionRequested,
  arbInstanceAllocated,
  arbSessionReady,
  arbSessionCreateFailed,
  arbSessionEvent,
  arbSessionEvents,
  arbSessionHistory,
} from './arbitraries.js';
export type {
  StopRuleRow,
  StreamConfigurationCase,
  StreamConfigurationOptions,
  CreateScenario,
  CreateWorld,
  CreateWorldOptions,
} from './arbitraries.js';
export { testEventStoreContract } from './event-store-contract.js';
export type { EventStoreContractFactory, EventStoreContractSubject } from './event-store-contract.js';
