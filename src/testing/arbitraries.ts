/**
 * fast-check arbitraries for the streaming-session domain, for embedders' own property tests.
 *
 * `nimble-streaming-sessions/testing` needs `fast-check` (4.x) installed next to the package: it is a peer
 * dependency of this entry point only; the main entry never loads it.
 */
import fc from 'fast-check';
import {
  resolveStreamSettings,
  type LaunchProfile,
  type StreamConfiguration,
  type StreamingImage,
  type Studio,
} from '../domain/catalog.js';
import type { QuotaLimits, SessionSlot } from '../domain/quota/ledger.js';
import { NIMBLE_REGIONS } from '../domain/values.js';
import type {
  Caller,
  CreateStreamingSession,
  CreateStreamingSessionRequest,
  Membership,
} from '../domain/streaming-session/commands.js';
import { SYSTEM_PRINCIPAL_ID } from '../domain/streaming-session/commands.js';
import { StreamingSession } from '../domain/streaming-session/decider.js';
import type {
  DeleteFailed,
  DeleteRequested,
  InstanceAllocated,
  SessionCreateFailed,
  SessionDeleted,
  SessionReady,
  SessionRequested,
  SessionRequestedData,
  SessionStarted,
  SessionStopped,
  StartFailed,
  StartRequested,
  StopFailed,
  StopRequested,
  StreamingSessionEvent,
} from '../domain/streaming-session/events.js';
import {
  CREATE_FAILURE_STATUS_CODES,
  DELETE_FAILURE_STATUS_CODES,
  MINUTE_MS,
  START_FAILURE_STATUS_CODES,
  STOP_FAILURE_STATUS_CODES,
  STREAMING_INSTANCE_TYPES,
  instanceFamily,
  type Instant,
  type StreamingInstanceType,
  type Tags,
} from '../domain/values.js';

// ---------------------------------------------------------------------------------------------- ids

/** The regions Nimble Studio ran in (reference §1.1); studio ids start with one of them. */
export { NIMBLE_REGIONS };

/** The shapes the arbitraries produce, as regular expressions (reference §5 and §1.4). */
export const ID_PATTERNS = {
  studioId: /^[a-z]{2}-[a-z]+-\d:stid-[a-z0-9]{16}$/,
  resourceId: /^[A-Za-z0-9_-]{21}[AQgw]$/,
  principalId: /^[0-9a-f]{10}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  iamPrincipalId: /^AROA[A-Z0-9]{16}:i-[0-9a-f]{17}$/,
  timestamp: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/,
} as const;

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function charsOf(alphabet: string, length: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...Array.from(alphabet)), minLength: length, maxLength: length });
}

/** Unpadded base64url, as the service prints its 16-byte ids. */
function base64url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    const n = ((bytes[i] ?? 0) << 16) | ((b1 ?? 0) << 8) | (b2 ?? 0);
    out += BASE64URL.charAt((n >> 18) & 63) + BASE64URL.charAt((n >> 12) & 63);
    if (b1 !== undefined) out += BASE64URL.charAt((n >> 6) & 63);
    if (b2 !== undefined) out += BASE64URL.charAt(n & 63);
  }
  return out;
}

/** A studio id: a region, a colon, `stid-`, then 16 lowercase alphanumerics (`us-west-2:stid-nyoqq12fteqy1x48`). */
export function arbStudioId(): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...NIMBLE_REGIONS), charsOf(LOWER_ALNUM, 16))
    .map(([region, suffix]) => `${region}:stid-${suffix}`);
}

/**
 * A 22-character base64url id (16 random bytes, unpadded): the form of launch profile, streaming image, EULA
 * and (by this project's decision) session ids.
 */
export function arbResourceId(): fc.Arbitrary<string> {
  return fc.uint8Array({ minLength: 16, maxLength: 16 }).map(base64url);
}

/** An IAM Identity Center user id: 10 hex characters, a dash, a UUID (`92677b4b19-e9fd012a-…`). */
export function arbPrincipalId(): fc.Arbitrary<string> {
  return fc.tuple(charsOf(HEX, 10), fc.uuid()).map(([prefix, uuid]) => `${prefix}-${uuid}`);
}

/** An IAM role caller's id: the role's unique id, a colon, a session name (`AROA…:i-00b98256b04d9e989`). */
export function arbIamPrincipalId(): fc.Arbitrary<string> {
  return fc
    .tuple(charsOf(UPPER_ALNUM, 16), charsOf(HEX, 17))
    .map(([role, session]) => `AROA${role}:i-${session}`);
}

/** A client token: 1 to 64 printable ASCII characters (reference §7). */
export function arbClientToken(): fc.Arbitrary<string> {
  const printable = fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code));
  return fc.string({ unit: printable, minLength: 1, maxLength: 64 });
}

/** An instant (epoch milliseconds, not truncated) between 2021 and 2030, the service's plausible lifetime. */
export function arbInstant(): fc.Arbitrary<Instant> {
  return fc.integer({ min: Date.UTC(2021, 0, 1), max: Date.UTC(2030, 0, 1) });
}

/**
 * Tags within the limits of reference §8.12: at most 50, keys of 1–128 characters not starting with `aws:`
 * (in any case), values of 0–256 characters. Plain objects (never a null prototype).
 */
export function arbTags(): fc.Arbitrary<Tags> {
  const key = fc.string({ minLength: 1, maxLength: 128 }).filter((k) => !k.toLowerCase().startsWith('aws:'));
  return fc.dictionary(key, fc.string({ maxLength: 256 }), { maxKeys: 50, noNullPrototype: true });
}

// ------------------------------------------------------------------------------------ configuration

/**
 * The rows of the reference's §4.3 table, the valid combinations of persistence, automatic termination and
 * stopped-session length. Each row fixes whether Stop is allowed (and so whether a session gets `stopAt`
 * or `terminateAt`).
 */
export const STOP_RULE_ROWS = [
  'NO_PERSISTENCE',
  'LEGACY_STOPPABLE',
  'PERSISTENT',
  'AUTO_TERMINATE_NOT_STOPPABLE',
  'AUTO_TERMINATE_STOPPABLE',
] as const;

/** One row of the §4.3 table. */
export type StopRuleRow = (typeof STOP_RULE_ROWS)[number];

/** Whether Stop is allowed on a session of each §4.3 row; the others terminate at maxSessionLength. */
export const STOP_ALLOWED_BY_ROW: Readonly<Record<StopRuleRow, boolean>> = {
  NO_PERSISTENCE: false,
  LEGACY_STOPPABLE: true,
  PERSISTENT: true,
  AUTO_TERMINATE_NOT_STOPPABLE: false,
  AUTO_TERMINATE_STOPPABLE: true,
};

/** A stream configuration together with the §4.3 row it was drawn from. */
export interface StreamConfigurationCase {
  readonly row: StopRuleRow;
  readonly streamConfiguration: StreamConfiguration;
}

/** Options of {@link arbStreamConfigurationCase} and {@link arbStreamConfiguration}. */
export interface StreamConfigurationOptions {
  /** The §4.3 rows to draw from; all of them by default. */
  readonly rows?: readonly StopRuleRow[];
  /** The instance types `ec2InstanceTypes` is drawn from (a non-empty subset, in any order); all by default. */
  readonly instanceTypes?: readonly StreamingInstanceType[];
  /** The exact `streamingImageIds`; 1 to 20 fresh ids by default. */
  readonly streamingImageIds?: readonly string[];
}

function arbVolume() {
  return fc.record(
    {
      size: fc.integer({ min: 100, max: 16000 }),
      throughput: fc.integer({ min: 125, max: 1000 }),
      iops: fc.integer({ min: 3000, max: 16000 }),
    },
    { requiredKeys: [], noNullPrototype: true },
  );
}

const maxStoppedPositive = fc.integer({ min: 1, max: 5760 });

/** The members a §4.3 row decides; everything else is common to all rows. */
function rowSettings(row: StopRuleRow) {
  const opt = { noNullPrototype: true } as const;
  switch (row) {
    case 'NO_PERSISTENCE':
      return fc.record(
        {
          sessionPersistenceMode: fc.constant('DEACTIVATED' as const),
          maxStoppedSessionLengthInMinutes: fc.constant(0),
        },
        { ...opt, requiredKeys: [] },
      );
    case 'LEGACY_STOPPABLE':
      return fc.record(
        {
          sessionPersistenceMode: fc.constant('DEACTIVATED' as const),
          maxStoppedSessionLengthInMinutes: maxStoppedPositive,
        },
        { ...opt, requiredKeys: ['maxStoppedSessionLengthInMinutes'] },
      );
    case 'PERSISTENT':
      return fc.record(
        {
          sessionPersistenceMode: fc.constant('ACTIVATED' as const),
          automaticTerminationMode: fc.constant('DEACTIVATED' as const),
          volumeConfiguration: arbVolume(),
        },
        { ...opt, requiredKeys: ['sessionPersistenceMode'] },
      );
    case 'AUTO_TERMINATE_NOT_STOPPABLE':
      return fc.record(
        {
          sessionPersistenceMode: fc.constant('ACTIVATED' as const),
          automaticTerminationMode: fc.constant('ACTIVATED' as const),
          maxStoppedSessionLengthInMinutes: fc.constant(0),
          volumeConfiguration: arbVolume(),
        },
        { ...opt, requiredKeys: ['sessionPersistenceMode', 'automaticTerminationMode'] },
      );
    case 'AUTO_TERMINATE_STOPPABLE':
      return fc.record(
        {
          sessionPersistenceMode: fc.constant('ACTIVATED' as const),
          automaticTerminationMode: fc.constant('ACTIVATED' as const),
          maxStoppedSessionLengthInMinutes: maxStoppedPositive,
          volumeConfiguration: arbVolume(),
        },
        {
          ...opt,
          requiredKeys: [
            'sessionPersistenceMode',
            'automaticTerminationMode',
            'maxStoppedSessionLengthInMinutes',
          ],
        },
      );
  }
}

/**
 * A valid stream configuration (within the model's ranges and one of the §4.3 combinations) with its row,
 * so a test can know the expected stop rule without re-deriving it.
 */
export function arbStreamConfigurationCase(
  options: StreamConfigurationOptions = {},
): fc.Arbitrary<StreamConfigurationCase> {
  const rows = options.rows ?? STOP_RULE_ROWS;
  const types = options.instanceTypes ?? STREAMING_INSTANCE_TYPES;
  const imageIds =
    options.streamingImageIds === undefined
      ? fc.uniqueArray(arbResourceId(), { minLength: 1, maxLength: 20 })
      : fc.constant(options.streamingImageIds);
  return fc.constantFrom(...rows).chain((row) =>
    fc
      .tuple(
        rowSettings(row),
        fc.record(
          {
            clipboardMode: fc.constantFrom('ENABLED' as const, 'DISABLED' as const),
            ec2InstanceTypes: fc.uniqueArray(fc.constantFrom(...types), {
              minLength: 1,
              maxLength: types.length,
            }),
            streamingImageIds: imageIds,
            maxSessionLengthInMinutes: fc.integer({ min: 1, max: 43200 }),
            sessionBackup: fc.record(
              {
                mode: fc.constantFrom('AUTOMATIC' as const, 'DEACTIVATED' as const),
                maxBackupsToRetain: fc.integer({ min: 0, max: 10 }),
              },
              { requiredKeys: [], noNullPrototype: true },
            ),
          },
          { requiredKeys: ['clipboardMode', 'ec2InstanceTypes', 'streamingImageIds'], noNullPrototype: true },
        ),
      )
      .map(([settings, common]): StreamConfigurationCase => ({
        row,
        streamConfiguration: { ...common, ...settings },
      })),
  );
}

/** A valid stream configuration: {@link arbStreamConfigurationCase} without the row. */
export function arbStreamConfiguration(
  options: StreamConfigurationOptions = {},
): fc.Arbitrary<StreamConfiguration> {
  return arbStreamConfigurationCase(options).map((c) => c.streamConfiguration);
}

// ------------------------------------------------------------------------------------------ catalog

/** A READY studio, with the given id or a fresh one. */
export function arbStudio(options: { readonly studioId?: string } = {}): fc.Arbitrary<Studio> {
  const id = options.studioId === undefined ? arbStudioId() : fc.constant(options.studioId);
  return id.map((studioId) => ({ studioId, state: 'READY' }));
}

/** A READY launch profile of the given studio, with a valid stream configuration. */
export function arbLaunchProfile(
  options: { readonly studioId: string } & StreamConfigurationOptions,
): fc.Arbitrary<LaunchProfile> {
  return fc
    .tuple(arbResourceId(), arbStreamConfiguration(options))
    .map(([launchProfileId, streamConfiguration]) => ({
      launchProfileId,
      studioId: options.studioId,
      state: 'READY',
      streamConfiguration,
    }));
}

/**
 * A READY streaming image owned by the given studio or by `amazon`, with 0 to 3 EULAs.
 */
export function arbStreamingImage(options: {
  readonly studioId: string;
  readonly streamingImageId?: string;
}): fc.Arbitrary<StreamingImage> {
  const id = options.streamingImageId === undefined ? arbResourceId() : fc.constant(options.streamingImageId);
  return fc
    .tuple(id, fc.constantFrom(options.studioId, 'amazon'), fc.uniqueArray(arbResourceId(), { maxLength: 3 }))
    .map(([streamingImageId, owner, eulaIds]) => ({ streamingImageId, owner, state: 'READY', eulaIds }));
}

// -------------------------------------------------------------------------------------------- world

/** Who creates the session in a {@link CreateWorld}, and for whom (reference §4.6). */
export type CreateScenario = 'MEMBER_FOR_SELF' | 'ADMIN_FOR_ELIGIBLE_OWNER' | 'IAM_FOR_ELIGIBLE_OWNER';

/**
 * A consistent catalog (studio, launch profile, its READY images, accepted EULAs, members and admins) and a
 * CreateStreamingSession command that every session rule accepts (quota aside: see {@link arbQuotaLimits}).
 */
export interface CreateWorld {
  readonly studio: Studio;
  readonly launchProfile: LaunchProfile;
  /** Every image the launch profile lists, in its order. */
  readonly streamingImages: readonly StreamingImage[];
  /** Every EULA of every image, plus some unrelated ones. */
  readonly acceptedEulaIds: readonly string[];
  /** USER members of the launch profile. */
  readonly launchProfileMembers: readonly string[];
  /** Studio administrators (who may or may not also be members). */
  readonly studioAdmins: readonly string[];
  /** The §4.3 row of the launch profile's stream configuration. */
  readonly stopRule: StopRuleRow;
  readonly scenario: CreateScenario;
  readonly command: CreateStreamingSession;
}

/** Options of {@link arbCreateWorld}. */
export interface CreateWorldOptions extends Omit<StreamConfigurationOptions, 'streamingImageIds'> {
  /** The scenarios to draw from; all by default. */
  readonly scenarios?: readonly CreateScenario[];
}

/** The membership facts of a principal in a world, as the application would load them from its catalog. */
export function membershipIn(
  world: Pick<CreateWorld, 'launchProfileMembers' | 'studioAdmins'>,
  principalId: string,
): Membership {
  return {
    isStudioAdmin: world.studioAdmins.includes(principalId),
    isLaunchProfileMember: world.launchProfileMembers.includes(principalId),
  };
}

interface People {
  readonly members: readonly string[];
  readonly admins: readonly string[];
}

function arbPeople(): fc.Arbitrary<People> {
  // One pool split in two keeps members and admins distinct even when fast-check biases towards
  // identical small values; one admin may then also be a member.
  return fc.uniqueArray(arbPrincipalId(), { minLength: 2, maxLength: 8 }).chain((ids) =>
    fc.tuple(fc.integer({ min: 1, max: ids.length - 1 }), fc.boolean()).map(([split, adminIsMember]) => {
      const members = ids.slice(0, split);
      const admins = ids.slice(split);
      return { members: adminIsMember ? [...members, ...admins.slice(0, 1)] : members, admins };
    }),
  );
}

/** Picks caller and owner for a scenario; `ownedBy` undefined means "left out of the request". */
function arbParties(
  scenario: CreateScenario,
  people: People,
): fc.Arbitrary<{ caller: Caller; ownedBy: string | undefined }> {
  const eligible = [...people.members, ...people.admins];
  switch (scenario) {
    case 'MEMBER_FOR_SELF': {
      const plainMembers = people.members.filter((m) => !people.admins.includes(m));
      return fc.tuple(fc.constantFrom(...plainMembers), fc.boolean()).map(([principalId, explicit]) => ({
        caller: { principalId, kind: 'STUDIO_USER' },
        ownedBy: explicit ? principalId : undefined,
      }));
    }
    case 'ADMIN_FOR_ELIGIBLE_OWNER':
      return fc
        .tuple(fc.constantFrom(...people.admins), fc.option(fc.constantFrom(...eligible), { nil: undefined }))
        .map(([principalId, ownedBy]) => ({ caller: { principalId, kind: 'STUDIO_USER' }, ownedBy }));
    case 'IAM_FOR_ELIGIBLE_OWNER':
      return fc
        .tuple(arbIamPrincipalId(), fc.constantFrom(...eligible))
        .map(([principalId, ownedBy]) => ({ caller: { principalId, kind: 'IAM' }, ownedBy }));
  }
}

/**
 * A complete, consistent world with a valid CreateStreamingSession for it. The request may leave out the
 * instance type, the image, the owner and the tags; the command may carry a client token and fingerprint.
 */
export function arbCreateWorld(options: CreateWorldOptions = {}): fc.Arbitrary<CreateWorld> {
  const scenarios = options.scenarios ?? [
    'MEMBER_FOR_SELF',
    'ADMIN_FOR_ELIGIBLE_OWNER',
    'IAM_FOR_ELIGIBLE_OWNER',
  ];
  return fc
    .tuple(arbStudioId(), fc.uniqueArray(arbResourceId(), { minLength: 1, maxLength: 20 }))
    .chain(([studioId, imageIds]) =>
      fc.record({
        studioId: fc.constant(studioId),
        launchProfileId: arbResourceId(),
        config: arbStreamConfigurationCase({ ...options, streamingImageIds: imageIds }),
        images: fc.tuple(...imageIds.map((id) => arbStreamingImage({ studioId, streamingImageId: id }))),
        extraEulas: fc.uniqueArray(arbResourceId(), { maxLength: 2 }),
        people: arbPeople(),
        scenario: fc.constantFrom(...scenarios),
      }),
    )
    .chain((w) => {
      const types = w.config.streamConfiguration.ec2InstanceTypes;
      const images = w.images;
      const tokenAndFingerprint = fc.option(fc.tuple(arbClientToken(), charsOf(HEX, 64)), {
        nil: undefined,
      });
      return fc
        .record({
          parties: arbParties(w.scenario, w.people),
          ec2InstanceType: fc.option(fc.constantFrom(...types), { nil: undefined }),
          image: fc.option(fc.constantFrom(...images), { nil: undefined }),
          tags: fc.option(arbTags(), { nil: undefined }),
          sessionId: arbResourceId(),
          now: arbInstant(),
          token: tokenAndFingerprint,
        })
        .map((r): CreateWorld => {
          const studio: Studio = { studioId: w.studioId, state: 'READY' };
          const launchProfile: LaunchProfile = {
            launchProfileId: w.launchProfileId,
            studioId: w.studioId,
            state: 'READY',
            streamConfiguration: w.config.streamConfiguration,
          };
          const acceptedEulaIds = [...new Set([...images.flatMap((i) => i.eulaIds), ...w.extraEulas])];
          const people = { launchProfileMembers: w.people.members, studioAdmins: w.people.admins };
          const { caller, ownedBy } = r.parties;
          const request: CreateStreamingSessionRequest = {
            studioId: w.studioId,
            launchProfileId: w.launchProfileId,
            ...(r.ec2InstanceType === undefined ? {} : { ec2InstanceType: r.ec2InstanceType }),
            ...(r.image === undefined ? {} : { streamingImageId: r.image.streamingImageId }),
            ...(ownedBy === undefined ? {} : { ownedBy }),
            ...(r.tags === undefined ? {} : { tags: r.tags }),
          };
          const resolvedImage = r.image ?? images[0];
          const command: CreateStreamingSession = {
            type: 'CreateStreamingSession',
            sessionId: r.sessionId,
            now: r.now,
            caller,
            request,
            facts: {
              studio,
              launchProfile,
              streamingImage: resolvedImage,
              acceptedEulaIds,
              caller: membershipIn(people, caller.principalId),
              owner: membershipIn(people, ownedBy ?? caller.principalId),
            },
            ...(r.token === undefined ? {} : { clientToken: r.token[0], fingerprint: r.token[1] }),
          };
          return {
            studio,
            launchProfile,
            streamingImages: images,
            acceptedEulaIds,
            ...people,
            stopRule: w.config.row,
            scenario: w.scenario,
            command,
          };
        });
    });
}

// -------------------------------------------------------------------------------------------- quota

const INSTANCE_FAMILIES = [...new Set(STREAMING_INSTANCE_TYPES.map(instanceFamily))];

/**
 * Quota limits: a total of 0–50, per-family limits (0–10) for some of the instance families, and sometimes
 * a per-owner limit (0–10).
 */
export function arbQuotaLimits(): fc.Arbitrary<QuotaLimits> {
  return fc.record(
    {
      maxSessions: fc.integer({ min: 0, max: 50 }),
      maxSessionsPerInstanceFamily: fc.dictionary(
        fc.constantFrom(...INSTANCE_FAMILIES),
        fc.integer({ min: 0, max: 10 }),
        { noNullPrototype: true },
      ),
      maxSessionsPerOwner: fc.integer({ min: 0, max: 10 }),
    },
    { requiredKeys: ['maxSessions', 'maxSessionsPerInstanceFamily'], noNullPrototype: true },
  );
}

/**
 * A quota slot. Owners and session ids come from the given pools when supplied (small pools make
 * collisions, which is what ledger properties need), otherwise from arbitrary strings.
 */
export function arbSessionSlot(
  pools: { readonly owners?: readonly string[]; readonly sessionIds?: readonly string[] } = {},
): fc.Arbitrary<SessionSlot> {
  const pick = (pool: readonly string[] | undefined) =>
    pool === undefined || pool.length === 0 ? fc.string() : fc.constantFrom(...pool);
  return fc.record({
    sessionId: pick(pools.sessionIds),
    ec2InstanceType: fc.constantFrom(...STREAMING_INSTANCE_TYPES),
    ownedBy: pick(pools.owners),
  });
}

// ------------------------------------------------------------------------------------------- events

/**
 * The data of a SessionRequested event, consistent with itself: frozen settings from a valid stream
 * configuration, `stopAt` or `terminateAt` (as the §4.3 row says) at `requestedAt + maxSessionLength`.
 */
export function arbSessionRequestedData(
  options: { readonly sessionId?: string } = {},
): fc.Arbitrary<SessionRequestedData> {
  return fc
    .record({
      sessionId: options.sessionId === undefined ? arbResourceId() : fc.constant(options.sessionId),
      studioId: arbStudioId(),
      launchProfileId: arbResourceId(),
      config: arbStreamConfigurationCase({ streamingImageIds: ['image'] }),
      streamingImageId: arbResourceId(),
      ownedBy: arbPrincipalId(),
      createdBy: fc.oneof(arbPrincipalId(), arbIamPrincipalId()),
      tags: arbTags(),
      requestedAt: arbInstant().map((t) => Math.floor(t / 1000) * 1000),
      token: fc.option(fc.tuple(arbClientToken(), charsOf(HEX, 64)), { nil: undefined }),
      typeIndex: fc.nat(),
    })
    .map((r) => {
      const types = r.config.streamConfiguration.ec2InstanceTypes;
      const ec2InstanceType = types[r.typeIndex % types.length] ?? 'g4dn.xlarge';
      const settings = resolveStreamSettings(r.config.streamConfiguration);
      const stopAllowed = STOP_ALLOWED_BY_ROW[r.config.row];
      const deadline = r.requestedAt + settings.maxSessionLengthInMinutes * MINUTE_MS;
      return {
        sessionId: r.sessionId,
        studioId: r.studioId,
        launchProfileId: r.launchProfileId,
        ec2InstanceType,
        streamingImageId: r.streamingImageId,
        ownedBy: r.ownedBy,
        createdBy: r.createdBy,
        tags: r.tags,
        requestedAt: r.requestedAt,
        ...settings,
        stopAllowed,
        ...(stopAllowed ? { stopAt: deadline } : { terminateAt: deadline }),
        ...(r.token === undefined ? {} : { clientToken: r.token[0], fingerprint: r.token[1] }),
      };
    });
}

/** A SessionRequested event (see {@link arbSessionRequestedData}). */
export function arbSessionRequested(
  options: { readonly sessionId?: string } = {},
): fc.Arbitrary<SessionRequested> {
  return arbSessionRequestedData(options).map((data) => ({ type: 'SessionRequested', version: 1, data }));
}

const wholeSeconds = arbInstant().map((t) => Math.floor(t / 1000) * 1000);

/** An InstanceAllocated event; instance ids come from a small pool so repeats and clashes both happen. */
export function arbInstanceAllocated(sessionId: string): fc.Arbitrary<InstanceAllocated> {
  return fc
    .tuple(fc.constantFrom('i-0123456789abcdef0', 'i-0fedcba9876543210'), wholeSeconds)
    .map(([instanceId, allocatedAt]) => ({
      type: 'InstanceAllocated',
      version: 1,
      data: { sessionId, instanceId, allocatedAt },
    }));
}

/** A SessionReady event. */
export function arbSessionReady(sessionId: string): fc.Arbitrary<SessionReady> {
  return wholeSeconds.map((readyAt) => ({ type: 'SessionReady', version: 1, data: { sessionId, readyAt } }));
}

/** A SessionCreateFailed event with one of the create-failure status codes. */
export function arbSessionCreateFailed(sessionId: string): fc.Arbitrary<SessionCreateFailed> {
  return fc
    .tuple(fc.constantFrom(...CREATE_FAILURE_STATUS_CODES), fc.string({ maxLength: 40 }), wholeSeconds)
    .map(([statusCode, statusMessage, failedAt]) => ({
      type: 'SessionCreateFailed',
      version: 1,
      data: { sessionId, statusCode, statusMessage, failedAt },
    }));
}

/** A small pool of backup ids, so that backups taken, removed and restored meet each other. */
export const BACKUP_IDS = ['YmFja3VwLW9uZS0wMDAwMQ', 'YmFja3VwLXR3by0wMDAwMg', 'YmFja3VwLXRocmVlLTAwMw'];

const arbWho = fc.oneof(arbPrincipalId(), arbIamPrincipalId(), fc.constant(SYSTEM_PRINCIPAL_ID));
const arbBackupId = fc.constantFrom(...BACKUP_IDS);
const arbStatusMessage = fc.string({ maxLength: 40 });

/** A StopRequested event, by a caller or by the service (automatic). */
export function arbStopRequested(sessionId: string): fc.Arbitrary<StopRequested> {
  return fc
    .record(
      {
        stoppedAt: wholeSeconds,
        stoppedBy: arbWho,
        automatic: fc.boolean(),
        volumeRetentionMode: fc.constantFrom('RETAIN' as const, 'DELETE' as const),
      },
      { requiredKeys: ['stoppedAt', 'stoppedBy', 'automatic'], noNullPrototype: true },
    )
    .map((data) => ({ type: 'StopRequested', version: 1, data: { sessionId, ...data } }));
}

/** A SessionStopped event, maybe with a backup from {@link BACKUP_IDS} and some removed. */
export function arbSessionStopped(sessionId: string): fc.Arbitrary<SessionStopped> {
  return fc
    .record(
      {
        completedAt: wholeSeconds,
        backupId: arbBackupId,
        removedBackupIds: fc.subarray(BACKUP_IDS),
        terminateAt: wholeSeconds,
      },
      { requiredKeys: ['completedAt', 'removedBackupIds'], noNullPrototype: true },
    )
    .map((data) => ({ type: 'SessionStopped', version: 1, data: { sessionId, ...data } }));
}

/** A StopFailed event. */
export function arbStopFailed(sessionId: string): fc.Arbitrary<StopFailed> {
  return fc
    .tuple(fc.constantFrom(...STOP_FAILURE_STATUS_CODES), arbStatusMessage, wholeSeconds)
    .map(([statusCode, statusMessage, failedAt]) => ({
      type: 'StopFailed',
      version: 1,
      data: { sessionId, statusCode, statusMessage, failedAt },
    }));
}

/** A StartRequested event with one deadline, maybe restoring a backup. */
export function arbStartRequested(sessionId: string): fc.Arbitrary<StartRequested> {
  return fc
    .record({
      startedAt: wholeSeconds,
      startedBy: arbWho,
      backupId: fc.option(arbBackupId, { nil: undefined }),
      stop: fc.boolean(),
      minutes: fc.integer({ min: 1, max: 43200 }),
    })
    .map(({ startedAt, startedBy, backupId, stop, minutes }) => {
      const deadline = startedAt + minutes * MINUTE_MS;
      return {
        type: 'StartRequested',
        version: 1,
        data: {
          sessionId,
          startedAt,
          startedBy,
          ...(backupId === undefined ? {} : { backupId }),
          ...(stop ? { stopAt: deadline } : { terminateAt: deadline }),
        },
      };
    });
}

/** A SessionStarted event. */
export function arbSessionStarted(sessionId: string): fc.Arbitrary<SessionStarted> {
  return wholeSeconds.map((readyAt) => ({
    type: 'SessionStarted',
    version: 1,
    data: { sessionId, readyAt },
  }));
}

/** A StartFailed event with one of the start-failure status codes. */
export function arbStartFailed(sessionId: string): fc.Arbitrary<StartFailed> {
  return fc
    .tuple(fc.constantFrom(...START_FAILURE_STATUS_CODES), arbStatusMessage, wholeSeconds)
    .map(([statusCode, statusMessage, failedAt]) => ({
      type: 'StartFailed',
      version: 1,
      data: { sessionId, statusCode, statusMessage, failedAt },
    }));
}

/** A DeleteRequested event, by a caller or by the service (automatic). */
export function arbDeleteRequested(sessionId: string): fc.Arbitrary<DeleteRequested> {
  return fc
    .record({ requestedAt: wholeSeconds, requestedBy: arbWho, automatic: fc.boolean() })
    .map((data) => ({ type: 'DeleteRequested', version: 1, data: { sessionId, ...data } }));
}

/** A SessionDeleted event, with the slot facts of some session. */
export function arbSessionDeleted(sessionId: string): fc.Arbitrary<SessionDeleted> {
  return fc
    .record({
      deletedAt: wholeSeconds,
      ec2InstanceType: fc.constantFrom(...STREAMING_INSTANCE_TYPES),
      ownedBy: arbPrincipalId(),
    })
    .map((data) => ({ type: 'SessionDeleted', version: 1, data: { sessionId, ...data } }));
}

/** A DeleteFailed event. */
export function arbDeleteFailed(sessionId: string): fc.Arbitrary<DeleteFailed> {
  return fc
    .tuple(fc.constantFrom(...DELETE_FAILURE_STATUS_CODES), arbStatusMessage, wholeSeconds)
    .map(([statusCode, statusMessage, failedAt]) => ({
      type: 'DeleteFailed',
      version: 1,
      data: { sessionId, statusCode, statusMessage, failedAt },
    }));
}

/** The same event, for another session id. */
function withSessionId<E extends StreamingSessionEvent>(event: E, sessionId: string): E {
  return { ...event, data: { ...event.data, sessionId } };
}

/** One event of each type, built once: ids are put in afterwards, which keeps generation cheap. */
function arbAnyEvent(): fc.Arbitrary<StreamingSessionEvent> {
  return fc.oneof(
    arbSessionRequested(),
    arbInstanceAllocated(''),
    arbSessionReady(''),
    arbSessionCreateFailed(''),
    arbStopRequested(''),
    arbSessionStopped(''),
    arbStopFailed(''),
    arbStartRequested(''),
    arbSessionStarted(''),
    arbStartFailed(''),
    arbDeleteRequested(''),
    arbSessionDeleted(''),
    arbDeleteFailed(''),
  );
}

/** Any event of the session stream, for the given session id or a fresh one. */
export function arbSessionEvent(sessionId?: string): fc.Arbitrary<StreamingSessionEvent> {
  const id = sessionId === undefined ? arbResourceId() : fc.constant(sessionId);
  return fc.tuple(id, arbAnyEvent()).map(([s, event]) => withSessionId(event, s));
}

/**
 * Arbitrary sequences of session events of one session in any order, legal or not (repeats, READY before
 * an instance, events before SessionRequested…): the input of totality and absorption properties.
 */
export function arbSessionEvents(
  options: { readonly maxLength?: number } = {},
): fc.Arbitrary<readonly StreamingSessionEvent[]> {
  return fc
    .tuple(arbResourceId(), fc.array(arbAnyEvent(), { maxLength: options.maxLength ?? 12 }))
    .map(([sessionId, events]) => events.map((event) => withSessionId(event, sessionId)));
}

/** The next events a legal history may take from each state (reference §3.2), as candidates to pick from. */
function legalNext(
  state: ReturnType<typeof StreamingSession.evolve>,
  stopAllowed: boolean,
): readonly StreamingSessionEvent['type'][] {
  switch (state.state) {
    case 'NOT_REQUESTED':
      return ['SessionRequested'];
    case 'CREATE_IN_PROGRESS':
      return state.instanceId === undefined
        ? ['InstanceAllocated', 'SessionCreateFailed']
        : ['SessionReady', 'SessionCreateFailed'];
    case 'READY':
      return stopAllowed ? ['StopRequested', 'DeleteRequested'] : ['DeleteRequested'];
    case 'STOP_IN_PROGRESS':
      return ['SessionStopped', 'StopFailed'];
    case 'STOPPED':
      return ['StartRequested', 'DeleteRequested'];
    case 'START_IN_PROGRESS':
      return ['SessionStarted', 'StartFailed'];
    case 'CREATE_FAILED':
    case 'STOP_FAILED':
    case 'START_FAILED':
    case 'DELETE_FAILED':
      return ['DeleteRequested'];
    case 'DELETE_IN_PROGRESS':
      return ['SessionDeleted', 'DeleteFailed'];
    case 'DELETED':
      return [];
  }
}

/** One candidate event of every type after SessionRequested, for one step of a history. */
function arbStepCandidates(
  id: string,
): fc.Arbitrary<
  Readonly<Record<Exclude<StreamingSessionEvent['type'], 'SessionRequested'>, StreamingSessionEvent>>
> {
  return fc.record({
    InstanceAllocated: arbInstanceAllocated(id),
    SessionReady: arbSessionReady(id),
    SessionCreateFailed: arbSessionCreateFailed(id),
    StopRequested: arbStopRequested(id),
    SessionStopped: arbSessionStopped(id),
    StopFailed: arbStopFailed(id),
    StartRequested: arbStartRequested(id),
    SessionStarted: arbSessionStarted(id),
    StartFailed: arbStartFailed(id),
    DeleteRequested: arbDeleteRequested(id),
    SessionDeleted: arbSessionDeleted(id),
    DeleteFailed: arbDeleteFailed(id),
  });
}

/**
 * A legal history of one session (reference §3.2): requested, then a walk through the state table of up
 * to `maxSteps` events (8 by default) that may stop anywhere: provisioning, READY or CREATE_FAILED, Stop
 * (only where the session may be stopped), Start, Delete and their failures, DELETED. SessionDeleted
 * carries the session's own slot facts.
 */
export function arbSessionHistory(
  options: { readonly maxSteps?: number } = {},
): fc.Arbitrary<readonly StreamingSessionEvent[]> {
  return arbSessionRequested().chain((requested) => {
    const { sessionId, ec2InstanceType, ownedBy, stopAllowed } = requested.data;
    const step = fc.tuple(fc.nat(), arbStepCandidates(sessionId));
    return fc.array(step, { maxLength: options.maxSteps ?? 8 }).map((steps) => {
      const history: StreamingSessionEvent[] = [requested];
      let state = StreamingSession.evolve(StreamingSession.initialState, requested);
      for (const [choice, candidates] of steps) {
        const next = legalNext(state, stopAllowed);
        const type = next[choice % Math.max(1, next.length)];
        if (type === undefined || type === 'SessionRequested') break;
        const candidate = candidates[type];
        const event =
          candidate.type === 'SessionDeleted'
            ? { ...candidate, data: { ...candidate.data, ec2InstanceType, ownedBy } }
            : candidate;
        history.push(event);
        state = StreamingSession.evolve(state, event);
      }
      return history;
    });
  });
}
