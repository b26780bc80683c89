/**
 * Stream ids. The model gives `streamId` no pattern and no example of a real one has been found, so the
 * format is this project's: `stream-` followed by the 22 base64url characters of a UUID's 16 bytes, the
 * form session ids take (reference §5, §8.14). The prefix tells a stream id from the session id beside it
 * in `…/streaming-sessions/{sessionId}/streams/{streamId}`; the last character is one of `A`, `Q`, `g`
 * and `w` because the 22nd character of 16 bytes in base64 holds only two bits.
 */
export const STREAM_ID_PREFIX = 'stream-';

/** The whole stream id: the prefix, then 21 base64url characters and one of the four that end 16 bytes. */
export const STREAM_ID_PATTERN = /^stream-[A-Za-z0-9_-]{21}[AQgw]$/;

/**
 * Whether `id` is a stream id in the format above. The id is drawn by the application; a Get naming a
 * string of another shape cannot name a stream, so it can be answered as not found without a lookup.
 */
export function isStreamId(id: string): boolean {
  return STREAM_ID_PATTERN.test(id);
}
