/**
 * The JSON body parser. Fastify's own parser decodes the bytes as UTF-8 with replacement characters, so bytes
 * that are not UTF-8 were stored altered; JSON escapes such as "\ud800" parse to lone surrogates, which no
 * UTF-8 (so neither database) can hold; and nothing bounded nesting, so 8,000 nested arrays overflowed the
 * stack of the recursive checks after it. This parser refuses all three with a 400 naming the field, and
 * leaves the parsing itself (and its refusal of `__proto__` and `constructor.prototype` keys) to Fastify's.
 * @module
 */
import type { FastifyBodyParser } from 'fastify';
import { LIMITS } from '../../contract/limits';
import { ApiError } from '../errors';
import { findInJson, type JsonFinding } from './json-walk';

const strictUtf8 = () => new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8 = strictUtf8();
const lossyUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** String.prototype.isWellFormed (ES2024, in every Node the service supports; the TypeScript lib here is ES2022). */
const wellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

/** Put where the first bad bytes were: decoded text is always well-formed, so a lone surrogate cannot be there already. */
const MARK = '\udbff';

function depthError(path: string): ApiError {
  const max = LIMITS.jsonDepth.max;
  const field = path || 'body';
  return new ApiError('invalid_argument', `${field} is nested deeper than ${max} levels of arrays and objects`, field);
}

/** The API error for a finding of `findInJson`, worded by `what` is wrong with the string ("holds a lone surrogate"). */
function findingError(found: JsonFinding, what: string): ApiError {
  if (found.kind === 'depth') return depthError(found.path);
  const field = found.path || 'body';
  return new ApiError('invalid_argument', found.kind === 'key' ? `${field} has a key that ${what}` : `${field} ${what}`, field);
}

/**
 * Names the field holding the first bytes that are not UTF-8. A streaming decode accepts a character cut at
 * the end of its input but not a bad byte, so a binary search finds the longest prefix that is the start of
 * UTF-8 text; the bad sequence starts after its last whole character. Those bytes are replaced by MARK, the
 * rest decoded with replacement characters, and the string holding MARK is the field. When the text around
 * the bad bytes is not JSON (they sit outside any string, or the body ends inside a character) the field is
 * the body.
 */
function notUtf8(bytes: Buffer): ApiError {
  const startsUtf8 = (length: number) => {
    try {
      strictUtf8().decode(bytes.subarray(0, length), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let good = 0;
  let bad = bytes.length + 1;
  while (bad - good > 1) {
    const mid = (good + bad) >>> 1;
    if (startsUtf8(mid)) good = mid;
    else bad = mid;
  }
  const head = strictUtf8().decode(bytes.subarray(0, good), { stream: true });
  // The replacement decode starts at the bad sequence, so its first character stands for it.
  const text = head + MARK + lossyUtf8.decode(bytes.subarray(Buffer.byteLength(head))).slice(1);
  let found: JsonFinding | undefined;
  try {
    found = findInJson(JSON.parse(text), (s) => s.includes(MARK), { maxDepth: LIMITS.jsonDepth.max });
  } catch {
    found = undefined;
  }
  return found ? findingError(found, 'is not valid UTF-8') : new ApiError('invalid_argument', 'the request body is not valid UTF-8', 'body');
}

/** An `application/json` parser taking the raw bytes, around Fastify's default JSON parser (which takes text). */
export function jsonBodyParser(parseText: FastifyBodyParser<string>): FastifyBodyParser<Buffer> {
  return (request, bytes, done) => {
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      done(notUtf8(bytes), undefined);
      return;
    }
    void parseText(request, text, (error, value) => {
      if (error) {
        done(error, undefined);
        return;
      }
      const found = findInJson(value, (s) => !wellFormed(s), { maxDepth: LIMITS.jsonDepth.max });
      if (found) done(findingError(found, 'holds a lone surrogate (half of a UTF-16 pair without the other half), which is not Unicode text'), undefined);
      else done(null, value);
    });
  };
}
