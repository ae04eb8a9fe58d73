// The one sha256 service: hex digests of data (identities of catalogues, models, tool bundles, cache
// keys) and of files. A file's digest is remembered for as long as the file is the same file with the
// same bytes as far as the file system can tell (device, inode, size, modification and change times
// in nanoseconds): models are gigabytes, pushed to several devices in a run and checked again on every
// push, so each is read once. A file that changes while it is read is not remembered.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync, type BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

/** Hex sha256 of the parts, in order, as one stream of bytes (strings as UTF-8). */
export function sha256Hex(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** Remembered digests by path; cleared when it grows past this many (a run touches far fewer). */
const MAX_REMEMBERED = 4096;
const remembered = new Map<string, { stamp: string; sha256: string }>();

function stampOf(s: BigIntStats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}

function recall(path: string, stamp: string): string | undefined {
  const known = remembered.get(path);
  return known?.stamp === stamp ? known.sha256 : undefined;
}

function remember(path: string, before: string, after: string, sha256: string): void {
  if (before !== after) return;
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(path, { stamp: before, sha256 });
}

/** Hex sha256 of a file's bytes, streamed. Errors are the file system's (ENOENT, EISDIR, ...). */
export async function sha256File(path: string): Promise<string> {
  const before = stampOf(await stat(path, { bigint: true }));
  const known = recall(path, before);
  if (known !== undefined) return known;
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  const sha256 = hash.digest('hex');
  remember(path, before, stampOf(await stat(path, { bigint: true })), sha256);
  return sha256;
}

const CHUNK_BYTES = 1 << 20;

/** The same, for code that cannot wait (reading a manifest); read in chunks, never whole. */
export function sha256FileSync(path: string): string {
  const before = stampOf(statSync(path, { bigint: true }));
  const known = recall(path, before);
  if (known !== undefined) return known;
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  const sha256 = hash.digest('hex');
  remember(path, before, stampOf(statSync(path, { bigint: true })), sha256);
  return sha256;
}
