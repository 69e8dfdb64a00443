import fp from 'fastify-plugin';
import { LIMIT_SETTINGS, type Limits } from '../config.js';
import { ApiError, payloadTooLarge } from '../errors.js';

type JsonLimits = Pick<Limits, 'maxJsonKeys' | 'maxJsonDepth'>;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

/** Where the string opened at `start` closes: the next quote not escaped by an odd run of backslashes. */
function stringEnd(text: string, start: number): number {
  let end = start;
  for (;;) {
    end = text.indexOf('"', end + 1);
    if (end < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
  }
}

/**
 * The first limit a JSON text passes, found by scanning it before it is parsed and stopping there: `keys`
 * counts object keys and array items that are not numbers (V8 builds a 700,000-key object in ~0.8 s, and
 * zod makes one issue per bad item), so a tensor's numbers stay free; `depth` counts nested objects and
 * arrays. Malformed text is left to the parser to refuse. The regex skips numbers, commas and blanks
 * natively: 14 ms for a 24 MB tensor here, which JSON.parse takes ~190 ms to read.
 */
export function jsonOverLimit(text: string, { maxJsonKeys, maxJsonDepth }: JsonLimits) {
  // Strings, containers, colons, and the first letters of true, false and null.
  const structural = /["{}[\]:tfn]/g;
  let keys = 0;
  // One entry per open container: true for an array.
  const arrays: boolean[] = [];
  for (let match = structural.exec(text); match !== null; match = structural.exec(text)) {
    const i = match.index;
    const c = text.charCodeAt(i);
    const item = arrays[arrays.length - 1] === true && c !== CLOSE_ARRAY;
    if ((item || c === COLON) && ++keys > maxJsonKeys) return 'keys' as const;
    if (c === QUOTE) {
      structural.lastIndex = stringEnd(text, i) + 1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (arrays.push(c === OPEN_ARRAY) > maxJsonDepth) return 'depth' as const;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      arrays.pop();
    }
  }
  return undefined;
}

/**
 * The key and depth limits, then Fastify's own JSON parser (secure-json-parse, prototype poisoning
 * refused): an oversized document is refused before it is parsed, let alone validated.
 */
export default fp<{ limits: Limits }>(
  async (fastify, { limits }) => {
    const parse = fastify.getDefaultJsonParser('error', 'error');
    fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body: string, done) => {
      const over = jsonOverLimit(body, limits);
      if (over === 'keys') {
        return done(
          payloadTooLarge('the key count of the JSON body', limits.maxJsonKeys, LIMIT_SETTINGS.maxJsonKeys),
          undefined,
        );
      }
      if (over === 'depth') {
        const message = `the JSON body nests deeper than ${limits.maxJsonDepth} levels (${LIMIT_SETTINGS.maxJsonDepth})`;
        return done(new ApiError(400, 'INVALID_PARAMETER', message), undefined);
      }
      parse(request, body, done);
    });
  },
  { name: 'ocellus-json-body' },
);
