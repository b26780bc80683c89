/**
 * PostgreSQL refuses two things a JavaScript string may hold: the NUL character (in `text` and in
 * `jsonb`) and lone UTF-16 surrogates (in `jsonb`; in `text` the driver would silently turn them into
 * U+FFFD, merging distinct keys). Client input reaches the store unfiltered (tags, owners, client tokens),
 * so a request carrying one must not become a 500. Every string therefore crosses the boundary through a
 * reversible escape built on U+10FFFF, a noncharacter that real text does not use:
 *
 * - U+10FFFF itself becomes U+10FFFF U+10FFFF;
 * - NUL or a lone surrogate `c` becomes U+10FFFF `u` followed by the four hex digits of `c`.
 *
 * Strings without these characters, which is every ordinary string, cross unchanged, so the stored data
 * stays readable with plain SQL.
 */
const MARK = '\u{10FFFF}';
/** The characters to escape in plain text: with the `u` flag a surrogate range matches only lone halves. */
const UNSAFE_TEXT = /[\0\u{10FFFF}\uD800-\uDFFF]/u;
const UNSAFE_TEXT_ALL = /[\0\u{10FFFF}\uD800-\uDFFF]/gu;
const ESCAPED = /\u{10FFFF}(\u{10FFFF}|u[0-9a-f]{4})/gu;
/**
 * In JSON text JSON.stringify writes NUL and lone surrogates as `\uXXXX` escapes. Only an escape preceded
 * by an even number of backslashes is one (an odd number means the backslash itself was escaped).
 */
const UNSAFE_JSON_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/g;

/** Encodes a string for a `text` parameter or column. */
export function encodeText(value: string): string {
  if (!UNSAFE_TEXT.test(value)) return value;
  return value.replace(UNSAFE_TEXT_ALL, (c) =>
    c === MARK ? MARK + MARK : `${MARK}u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Decodes a string read from a `text` column. */
export function decodeText(value: string): string {
  if (!value.includes(MARK)) return value;
  return value.replace(ESCAPED, (_match, code: string) =>
    code === MARK ? MARK : String.fromCharCode(parseInt(code.slice(1), 16)),
  );
}

/** JSON text for a `jsonb` parameter: JSON.stringify, then the escape above on every string in it. */
export function encodeJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (!text.includes(MARK) && !text.includes('\\u')) return text;
  return text
    .replaceAll(MARK, MARK + MARK)
    .replace(UNSAFE_JSON_ESCAPE, (_match, slashes: string, code: string) => `${slashes}${MARK}u${code}`);
}

/** Parses `jsonb` output text, undoing the escape: the marks become JSON `\uXXXX` escapes again. */
export function decodeJson(text: string): unknown {
  if (!text.includes(MARK)) return JSON.parse(text);
  return JSON.parse(text.replace(ESCAPED, (_match, code: string) => (code === MARK ? MARK : `\\${code}`)));
}

/** Schema names become SQL identifiers; a strict pattern keeps quoting trivial and injection impossible. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The schema name, checked, as a quoted identifier. Throws on a name the pattern does not allow. */
export function schemaIdentifier(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(
      `Invalid schema name ${JSON.stringify(schema)}: use lowercase letters, digits and _, at most 63.`,
    );
  }
  return `"${schema}"`;
}
