import { err, ok, type Result } from 'neverthrow';
import { validationError, type ValidationException } from './errors.js';
import type {
  AutomaticTerminationMode,
  ResourceState,
  SessionBackupMode,
  SessionPersistenceMode,
  StreamingClipboardMode,
  StreamingInstanceType,
  VolumeConfiguration,
} from './values.js';

/**
 * The facts a create decision reads: studios, launch profiles and streaming images in the API's own shapes
 * (only the members the session rules need), plus who may do what. The application loads them from its
 * catalog port and passes them in; the domain never fetches anything.
 */
export interface Studio {
  readonly studioId: string;
  readonly state: ResourceState;
}

export interface StreamConfigurationSessionBackup {
  readonly mode?: SessionBackupMode;
  readonly maxBackupsToRetain?: number;
}

export interface StreamConfiguration {
  readonly clipboardMode: StreamingClipboardMode;
  readonly ec2InstanceTypes: readonly StreamingInstanceType[];
  readonly streamingImageIds: readonly string[];
  readonly maxSessionLengthInMinutes?: number;
  readonly maxStoppedSessionLengthInMinutes?: number;
  readonly sessionPersistenceMode?: SessionPersistenceMode;
  readonly automaticTerminationMode?: AutomaticTerminationMode;
  readonly volumeConfiguration?: Partial<VolumeConfiguration>;
  readonly sessionBackup?: StreamConfigurationSessionBackup;
}

export interface LaunchProfile {
  readonly launchProfileId: string;
  readonly studioId: string;
  readonly state: ResourceState;
  readonly streamConfiguration: StreamConfiguration;
}

export interface StreamingImage {
  readonly streamingImageId: string;
  /** The studio id for a custom image, or `amazon` for an Amazon-provided one. */
  readonly owner: string;
  readonly state: ResourceState;
  readonly eulaIds: readonly string[];
}

/** Defaults the API documents for a stream configuration (reference §4.1 and §4.4). */
export const STREAM_CONFIGURATION_DEFAULTS = {
  maxSessionLengthInMinutes: 690,
  maxStoppedSessionLengthInMinutes: 0,
  sessionPersistenceMode: 'DEACTIVATED',
  automaticTerminationMode: 'DEACTIVATED',
  backupMode: 'DEACTIVATED',
  maxBackupsToRetain: 0,
  volumeConfiguration: { size: 500, throughput: 125, iops: 3000 },
} as const;

/** A stream configuration with every default filled in: what a session freezes at create time. */
export interface ResolvedStreamSettings {
  readonly maxSessionLengthInMinutes: number;
  readonly maxStoppedSessionLengthInMinutes: number;
  readonly sessionPersistenceMode: SessionPersistenceMode;
  readonly automaticTerminationMode: AutomaticTerminationMode;
  readonly backupMode: SessionBackupMode;
  readonly maxBackupsToRetain: number;
  /** Present only when persistence is ACTIVATED. */
  readonly volumeConfiguration?: VolumeConfiguration;
}

/** Fills in the documented defaults of a stream configuration. */
export function resolveStreamSettings(config: StreamConfiguration): ResolvedStreamSettings {
  const d = STREAM_CONFIGURATION_DEFAULTS;
  const persistence = config.sessionPersistenceMode ?? d.sessionPersistenceMode;
  const base = {
    maxSessionLengthInMinutes: config.maxSessionLengthInMinutes ?? d.maxSessionLengthInMinutes,
    maxStoppedSessionLengthInMinutes:
      config.maxStoppedSessionLengthInMinutes ?? d.maxStoppedSessionLengthInMinutes,
    sessionPersistenceMode: persistence,
    automaticTerminationMode: config.automaticTerminationMode ?? d.automaticTerminationMode,
    backupMode: config.sessionBackup?.mode ?? d.backupMode,
    maxBackupsToRetain: config.sessionBackup?.maxBackupsToRetain ?? d.maxBackupsToRetain,
  };
  if (persistence !== 'ACTIVATED') return base;
  const volume = config.volumeConfiguration ?? {};
  return {
    ...base,
    volumeConfiguration: {
      size: volume.size ?? d.volumeConfiguration.size,
      throughput: volume.throughput ?? d.volumeConfiguration.throughput,
      iops: volume.iops ?? d.volumeConfiguration.iops,
    },
  };
}

/**
 * Whether a session on these settings may be stopped (reference §4.3): with persistence and no automatic
 * termination, or whenever a stopped session has time to live (`maxStoppedSessionLengthInMinutes > 0`).
 */
export function isStopAllowed(settings: ResolvedStreamSettings): boolean {
  return (
    (settings.sessionPersistenceMode === 'ACTIVATED' && settings.automaticTerminationMode !== 'ACTIVATED') ||
    settings.maxStoppedSessionLengthInMinutes > 0
  );
}

/**
 * Rejects the combinations of §4.3 that a launch profile may not hold: automatic termination or a volume
 * without persistence, or a stopped-session length without automatic termination (unless the profile is a
 * legacy one without persistence, which the 2021 API allowed).
 */
export function checkStreamConfiguration(
  config: StreamConfiguration,
): Result<StreamConfiguration, ValidationException> {
  const persistence = config.sessionPersistenceMode ?? 'DEACTIVATED';
  if (persistence !== 'ACTIVATED' && config.automaticTerminationMode !== undefined) {
    return err(
      validationError(
        'AUTOMATIC_TERMINATION_REQUIRES_PERSISTENCE',
        'automaticTerminationMode may be set only when sessionPersistenceMode is ACTIVATED.',
      ),
    );
  }
  if (persistence !== 'ACTIVATED' && config.volumeConfiguration !== undefined) {
    return err(
      validationError(
        'VOLUME_CONFIGURATION_REQUIRES_PERSISTENCE',
        'volumeConfiguration may be set only when sessionPersistenceMode is ACTIVATED.',
      ),
    );
  }
  const maxStopped = config.maxStoppedSessionLengthInMinutes ?? 0;
  if (persistence === 'ACTIVATED' && maxStopped > 0 && config.automaticTerminationMode !== 'ACTIVATED') {
    return err(
      validationError(
        'MAX_STOPPED_REQUIRES_AUTOMATIC_TERMINATION',
        'maxStoppedSessionLengthInMinutes may be greater than 0 only when automaticTerminationMode is ACTIVATED.',
      ),
    );
  }
  return ok(config);
}
