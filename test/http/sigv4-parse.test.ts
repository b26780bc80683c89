import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAmzDate } from '../../src/adapters/http/sigv4-parse.js';

/** The parser as first written, a regular expression and a round trip through toISOString: the reference. */
function referenceParse(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const roundTrip = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return roundTrip === value ? date : undefined;
}

const digits = (n: number) =>
  fc.string({
    unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9'),
    minLength: n,
    maxLength: n,
  });

/** X-Amz-Date-shaped text: random digits (so impossible days and hours too), sometimes damaged. */
const amzDateLike = fc
  .tuple(digits(8), digits(6), fc.option(fc.tuple(fc.nat(15), fc.string({ maxLength: 2 }))))
  .map(([date, time, damage]) => {
    const text = `${date}T${time}Z`;
    if (damage === null) return text;
    const [at, insert] = damage;
    return text.slice(0, at) + insert + text.slice(at + 1);
  });

/** Real instants from year 0 to 9999, written as X-Amz-Date. */
const realAmzDate = fc
  .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) =>
    date
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, ''),
  );

describe('parseAmzDate', () => {
  it('accepts exactly what the reference accepts, as the same instant', () => {
    fc.assert(
      fc.property(fc.oneof(realAmzDate, amzDateLike, fc.string({ maxLength: 20 })), (value) => {
        expect(parseAmzDate(value)?.getTime()).toBe(referenceParse(value)?.getTime());
      }),
      { numRuns: 20_000 },
    );
  });

  it('refuses impossible instants and other forms', () => {
    expect(parseAmzDate('20240102T030405Z')?.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(parseAmzDate('20240229T235959Z')?.toISOString()).toBe('2024-02-29T23:59:59.000Z');
    for (const refused of [
      '20230229T000000Z', // no 29 February in 2023
      '20240230T000000Z',
      '20241301T000000Z',
      '20240101T240000Z',
      '20240101T235960Z',
      '00500101T000000Z', // Date.UTC would read year 50 as 1950
      '2024-01-02T03:04:05Z',
      '20240102T030405',
      '20240102 030405Z',
      '２０２４0102T030405Z',
      '',
    ]) {
      expect(parseAmzDate(refused), refused).toBeUndefined();
    }
  });
});
