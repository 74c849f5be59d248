import type { Readable } from 'node:stream';
import Assembler from 'stream-json/assembler.js';
import { parser } from 'stream-json/parser.js';
import { verifier } from 'stream-json/utils/verifier.js';
import { FeedImportError } from './feed-file-reader.js';

/** What a JSON feed's top-level object held besides its item array: scalars only. */
export type JsonFeedEnvelope = Record<string, unknown>;

export interface JsonFeedHandlers {
  /** Called for each top-level key as it arrives, before its value; may throw to refuse the file. */
  onTopLevelKey?(key: string): void;
  /** Called for each element of the item array, in order, fully assembled. */
  onItem(item: unknown, index: number): void;
}

interface Token {
  name: string;
  value?: unknown;
}

const SCALAR_TOKENS: Readonly<Record<string, (value: unknown) => unknown>> = {
  stringValue: (value) => value,
  numberValue: (value) => Number(value),
  nullValue: () => null,
  trueValue: () => true,
  falseValue: () => false,
};

/**
 * Reads a JSON feed shaped `{ ...scalars, "<itemsKey>": [ item, item, ... ] }`
 * as a stream: each item is assembled alone and handed over, then dropped,
 * so a feed of any length is read in the memory of one item. Nested values
 * of other top-level keys are skipped. A JSON syntax error is reported
 * with its line and column (found by a second, validating pass over the
 * same bytes, only when the first fails).
 */
export async function readJsonFeed(
  openBytes: () => Promise<Readable>,
  itemsKey: string,
  handlers: JsonFeedHandlers,
): Promise<{ envelope: JsonFeedEnvelope; items: number; hasItemArray: boolean }> {
  const envelope: JsonFeedEnvelope = {};
  let items = 0;
  const bytes = await openBytes();
  const tokens = bytes.pipe(parser.asStream({ packValues: true, streamValues: false }));
  bytes.on('error', (error) => tokens.destroy(error));
  let depth = 0;
  let key: string | undefined;
  let skipDepth = 0;
  let inItems = false;
  let hasItemArray = false;
  let assembler: Assembler | undefined;
  // Tokens are handled synchronously in 'data' events: an `await` per token would cost more than the parsing.
  const consume = (token: Token): void => {
    if (assembler) {
      assembler.consume(token as never);
      if (assembler.done) {
        handlers.onItem(assembler.current, items);
        items += 1;
        assembler = undefined;
      }
      return;
    }
    if (skipDepth > 0) {
      if (token.name === 'startObject' || token.name === 'startArray') skipDepth += 1;
      else if (token.name === 'endObject' || token.name === 'endArray') skipDepth -= 1;
      return;
    }
    if (depth === 0) {
      if (token.name !== 'startObject') {
        throw new FeedImportError('not a feed: the file is not a JSON object');
      }
      depth = 1;
      return;
    }
    if (inItems) {
      if (token.name === 'endArray') {
        inItems = false;
        key = undefined;
        return;
      }
      assembler = new Assembler();
      assembler.consume(token as never);
      if (assembler.done) {
        handlers.onItem(assembler.current, items);
        items += 1;
        assembler = undefined;
      }
      return;
    }
    if (token.name === 'keyValue') {
      key = String(token.value);
      handlers.onTopLevelKey?.(key);
      return;
    }
    if (token.name === 'endObject') {
      depth = 0;
      return;
    }
    if (key === itemsKey && token.name === 'startArray') {
      inItems = true;
      hasItemArray = true;
      return;
    }
    if (token.name === 'startObject' || token.name === 'startArray') {
      envelope[key!] = token.name === 'startArray' ? [] : {};
      skipDepth = 1;
      return;
    }
    const scalar = SCALAR_TOKENS[token.name];
    if (scalar && key !== undefined) envelope[key] = scalar(token.value);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      tokens.on('data', (token: Token) => {
        try {
          consume(token);
        } catch (error) {
          tokens.destroy();
          reject(error as Error);
        }
      });
      tokens.once('error', reject);
      tokens.once('end', resolve);
    });
  } catch (error) {
    if (error instanceof FeedImportError) throw error;
    throw await locateSyntaxError(openBytes, error as Error);
  } finally {
    bytes.destroy();
    tokens.destroy();
  }
  return { envelope, items, hasItemArray };
}

interface VerifierError extends Error {
  line?: number;
  pos?: number;
}

/** Walks the bytes again with stream-json's validator to name the line and column of a syntax error. */
async function locateSyntaxError(
  openBytes: () => Promise<Readable>,
  parseError: Error,
): Promise<FeedImportError> {
  const bytes = await openBytes();
  const check = bytes.pipe(verifier.asStream());
  bytes.on('error', (error) => check.destroy(error));
  try {
    for await (const _ of check) {
      // The validator emits nothing; draining it drives the check.
    }
  } catch (error) {
    if (error instanceof FeedImportError) return error;
    const located = error as VerifierError;
    if (located.line !== undefined && located.pos !== undefined) {
      const place = `${located.line}:${located.pos}`;
      const detail = located.message.replace(/^ERROR at \d+ \(\d+, \d+\):\s*/, '');
      // The validator says "has expected ..." only when the bytes ran out.
      const reason = /^Verifier has expected/i.test(detail)
        ? `unexpected end of file (truncated?), ${detail.replace(/^Verifier has /i, '')}`
        : detail.replace(/^Verifier (?:cannot parse input:\s*)?/i, '');
      return new FeedImportError(`JSON syntax error at ${place}: ${reason}`, place);
    }
    return new FeedImportError(`not valid JSON: ${located.message}`);
  } finally {
    bytes.destroy();
    check.destroy();
  }
  return new FeedImportError(`not valid JSON: ${parseError.message}`);
}
