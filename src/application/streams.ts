/**
 * Stream ids. Each carries the studio id, so every key the store writes can be distributed by studio.
 */
export function sessionStreamId(studioId: string, sessionId: string): string {
  return `StreamingSession:${studioId}/${sessionId}`;
}

export function ledgerStreamId(studioId: string): string {
  return `QuotaLedger:${studioId}`;
}

export const CREATE_OPERATION = 'CreateStreamingSession';
