/** The status message that goes with each status code the service sets by itself. */
export const STATUS_MESSAGES = {
  STREAMING_SESSION_CREATE_IN_PROGRESS: 'The streaming session is being created.',
  STREAMING_SESSION_READY: 'The streaming session is ready.',
  STREAMING_SESSION_STOP_IN_PROGRESS: 'The streaming session is being stopped.',
  STREAMING_SESSION_STOPPED: 'The streaming session is stopped.',
  STREAMING_SESSION_START_IN_PROGRESS: 'The streaming session is being started.',
  STREAMING_SESSION_STARTED: 'The streaming session has been started and is ready.',
  STREAMING_SESSION_DELETE_IN_PROGRESS: 'The streaming session is being deleted.',
  STREAMING_SESSION_DELETED: 'The streaming session has been deleted.',
} as const;
