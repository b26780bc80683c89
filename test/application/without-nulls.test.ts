import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withoutNulls } from '../../src/application/create-streaming-session.js';

describe('withoutNulls', () => {
  it('drops null and undefined members, and keeps every other member as it was', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string(),
          fc.oneof(fc.constant(null), fc.constant(undefined), fc.string(), fc.integer()),
        ),
        (input) => {
          const expected = Object.fromEntries(
            Object.entries(input).filter(([, v]) => v !== null && v !== undefined),
          );
          expect(withoutNulls(input)).toStrictEqual(expected);
        },
      ),
    );
  });

  it('answers an input without null members with the input itself', () => {
    const input = { studioId: 's', launchProfileId: 'lp', tags: { a: 'b' } };
    expect(withoutNulls(input)).toBe(input);
  });

  it('copies an input with an inherited enumerable member, leaving that member out', () => {
    const input = Object.assign(Object.create({ inherited: 'x' }) as object, { own: 'y' });
    const result = withoutNulls(input);
    expect(result).not.toBe(input);
    expect(result).toStrictEqual({ own: 'y' });
  });

  it('copies an object of another prototype into a plain one', () => {
    const input = Object.assign(Object.create(null) as object, { own: 'y' });
    expect(Object.getPrototypeOf(withoutNulls(input))).toBe(Object.prototype);
  });

  it('leaves anything but an object alone', () => {
    for (const value of [null, undefined, 'text', 3, ['a', null]]) expect(withoutNulls(value)).toBe(value);
  });
});
