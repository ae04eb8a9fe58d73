// Host and client key fingerprints exactly as OpenSSH prints them (`ssh-keygen -lf`,
// `ssh -v`): "SHA256:" + base64 of the SHA-256 of the key blob, without the `=` padding. Comparing
// in that form lets users paste whatever ssh-keygen showed them.
import { createHash } from 'node:crypto';

export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** A pinned value with or without padding, with or without the `SHA256:` prefix, compared as OpenSSH prints it. */
export function normalizeFingerprint(value: string): string {
  const body = value
    .trim()
    .replace(/^SHA256:/i, '')
    .replace(/=+$/, '');
  return `SHA256:${body}`;
}

/** The key type named inside an SSH wire-format key blob (`ssh-ed25519`, `rsa-sha2-...` keys say `ssh-rsa`). */
export function keyBlobType(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  if (len <= 0 || len > 64 || 4 + len > keyBlob.length) return 'unknown';
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}
