import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * A feed file that cannot be imported. The message names the place: a
 * `line:column` for JSON or CSV syntax, a JSON path for a schema problem.
 */
export class FeedImportError extends Error {
  constructor(
    message: string,
    /** `12:5` or `vulnerabilities[3].cve.id`, when the problem has a place. */
    readonly location?: string,
  ) {
    super(message);
    this.name = 'FeedImportError';
  }
}

/**
 * Largest decompressed feed accepted. NVD's biggest yearly CVE JSON 2.0 file
 * unpacks to a few hundred MB; a `.gz` that expands past this is refused as
 * a decompression bomb before it can exhaust time or disk.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 1024 * 1024 * 1024;

export interface FeedReadOptions {
  maxDecompressedBytes?: number;
}

function describeBytes(bytes: number): string {
  return bytes >= 1024 * 1024 * 1024
    ? `${(bytes / (1024 * 1024 * 1024)).toFixed(bytes % (1024 * 1024 * 1024) ? 1 : 0)} GiB`
    : `${Math.round(bytes / (1024 * 1024))} MiB`;
}

/** Passes bytes through and fails the stream as soon as more than `limit` have gone by. */
class SizeLimit extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      callback(
        new FeedImportError(
          `the gzip file decompresses to more than ${describeBytes(this.limit)} (a decompression bomb?); refused`,
        ),
      );
      return;
    }
    callback(null, chunk);
  }
}

/** SHA-256 of the file's bytes as stored (compressed or not), read in chunks. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    throw new FeedImportError(`cannot read ${path}: ${(error as Error).message}`);
  }
  return hash.digest('hex');
}

async function isGzip(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new FeedImportError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * The feed's decoded bytes as a stream: gunzipped when the file is gzip
 * (NVD distributes `.json.gz`), cut off with a FeedImportError past
 * `maxDecompressedBytes`. Memory stays at a few chunks whatever the size.
 */
export async function openFeedBytes(
  path: string,
  options: FeedReadOptions = {},
): Promise<Readable> {
  const gzip = await isGzip(path);
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  if (!gzip) return file;
  const limit = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  const limited = new SizeLimit(limit);
  const fail = (error: Error) => {
    limited.destroy(
      error instanceof FeedImportError
        ? error
        : new FeedImportError(`cannot decompress the feed file: ${error.message}`),
    );
  };
  file.on('error', fail);
  gunzip.on('error', fail);
  limited.on('close', () => {
    file.destroy();
    gunzip.destroy();
  });
  file.pipe(gunzip).pipe(limited);
  return limited;
}

/** The first `count` decoded bytes (fewer for a shorter file), to tell the feed's kind. */
export async function peekFeedBytes(
  path: string,
  count: number,
  options: FeedReadOptions = {},
): Promise<Buffer> {
  const stream = await openFeedBytes(path, options);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      if (length >= count) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, count);
}
