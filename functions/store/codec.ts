/**
 * How large values are stored: compressed with node:zlib and cut into chunks that fit a
 * DynamoDB item (400 KB hard limit, attribute names included), so no record is truncated.
 */
import { createHash } from 'node:crypto';
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  gunzipSync,
  gzipSync,
} from 'node:zlib';

export type Encoding = 'gzip' | 'br';

/**
 * Bytes of payload per chunk item: leaves ~50 KB under the 400 KB item limit for keys and
 * the few small attributes a chunk item carries.
 */
export const DEFAULT_CHUNK_BYTES = 350_000;

export function compress(text: string, encoding: Encoding = 'gzip'): Uint8Array {
  const input = Buffer.from(text, 'utf8');
  // gzip level 6 compresses the corpus ~6x at >50 MB/s; brotli is smaller but its good
  // qualities are far slower to write, so it is kept for readers and opt-in writers only.
  return encoding === 'br'
    ? brotliCompressSync(input, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
    : gzipSync(input, { level: 6 });
}

export function decompress(bytes: Uint8Array, encoding: Encoding = 'gzip'): string {
  const out = encoding === 'br' ? brotliDecompressSync(bytes) : gunzipSync(bytes);
  return out.toString('utf8');
}

export function splitBytes(bytes: Uint8Array, chunkBytes = DEFAULT_CHUNK_BYTES): Uint8Array[] {
  if (bytes.byteLength === 0) return [bytes];
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += chunkBytes) {
    parts.push(bytes.subarray(at, Math.min(at + chunkBytes, bytes.byteLength)));
  }
  return parts;
}

export function joinBytes(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Four-digit, zero-padded chunk number so chunk keys sort in order. */
export const chunkNo = (i: number): string => String(i + 1).padStart(4, '0');
