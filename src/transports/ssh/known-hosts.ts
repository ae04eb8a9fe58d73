// known_hosts files as OpenSSH writes and reads them (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): plain
// host patterns (`host`, `[host]:port`, `*`/`?` wildcards, `!` negation, comma lists) and hashed
// entries (`|1|<base64 salt>|<base64 HMAC-SHA1(salt, name)>`), with optional `@revoked` and
// `@cert-authority` markers. Pure: the caller reads the file.
import { createHmac } from 'node:crypto';
import { sha256Fingerprint } from './fingerprint.js';

export interface KnownHostEntry {
  /** 1-based line number, for messages. */
  line: number;
  marker: 'revoked' | 'cert-authority' | undefined;
  /** Plain patterns, or empty for a hashed entry. */
  patterns: string[];
  hashed: { salt: Buffer; hash: Buffer } | undefined;
  keyType: string;
  keyBlob: Buffer;
}

/** Lines OpenSSH would skip (comments, blanks, malformed) are skipped here too. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const name = fields.shift();
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hosts, keyType, keyBase64] = fields;
    if (hosts === undefined || keyType === undefined || keyBase64 === undefined) return;
    const keyBlob = Buffer.from(keyBase64, 'base64');
    if (keyBlob.length === 0) return;
    let hashed: KnownHostEntry['hashed'];
    let patterns: string[] = [];
    if (hosts.startsWith('|1|')) {
      const [salt, hash] = hosts.slice(3).split('|');
      if (salt === undefined || hash === undefined) return;
      hashed = { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
    } else {
      patterns = hosts.split(',').filter((p) => p.length > 0);
    }
    entries.push({ line: index + 1, marker, patterns, hashed, keyType, keyBlob });
  });
  return entries;
}

/** The name known_hosts uses for a host: bare on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function wildcardMatch(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

export function entryMatchesName(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed) {
    const digest = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return digest.equals(entry.hashed.hash);
  }
  let positive = false;
  for (const pattern of entry.patterns) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), name)) return false;
    } else if (wildcardMatch(pattern, name)) {
      positive = true;
    }
  }
  return positive;
}

export type KnownHostsVerdict =
  | { kind: 'match'; line: number }
  | { kind: 'revoked'; line: number }
  | { kind: 'changed'; expected: { keyType: string; fingerprint: string; line: number }[] }
  | { kind: 'unknown' };

export function checkKnownHosts(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  keyBlob: Buffer,
): KnownHostsVerdict {
  const name = knownHostsName(host, port);
  // A revoked key is refused wherever it appears, whatever host it is listed for.
  const revoked = entries.find((e) => e.marker === 'revoked' && e.keyBlob.equals(keyBlob));
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const forHost = entries.filter((e) => e.marker === undefined && entryMatchesName(e, name));
  const match = forHost.find((e) => e.keyBlob.equals(keyBlob));
  if (match) return { kind: 'match', line: match.line };
  if (forHost.length > 0) {
    return {
      kind: 'changed',
      expected: forHost.map((e) => ({ keyType: e.keyType, fingerprint: sha256Fingerprint(e.keyBlob), line: e.line })),
    };
  }
  return { kind: 'unknown' };
}

/** Key types listed for the host, so the client can ask the server for a key it can check. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const name = knownHostsName(host, port);
  const types = entries.filter((e) => e.marker === undefined && entryMatchesName(e, name)).map((e) => e.keyType);
  return [...new Set(types)];
}
