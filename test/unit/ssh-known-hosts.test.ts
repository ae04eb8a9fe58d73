// known_hosts parsing and host key fingerprints, against values OpenSSH's own ssh-keygen produced
// (`ssh-keygen -lf` for the fingerprints, `ssh-keygen -H` for the hashed entry).
import { describe, expect, it } from 'vitest';
import { keyBlobType, normalizeFingerprint, sha256Fingerprint } from '../../src/transports/ssh/fingerprint.js';
import {
  checkKnownHosts,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
} from '../../src/transports/ssh/known-hosts.js';

const k1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIH9+/wtRPWSDDOCXOgYrcXZ2qpt2k73cdV/J9G8TkLqe';
const k1Fingerprint = 'SHA256:FVz4n/w5Gto1aCJjOepwpqDIEWz/QcBgqHobW6lU1H8';
const k2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIPQzVdHnI17wFuIXRbcLZP6PozXJdiZd7OXjoT4tITMc';
const k2Fingerprint = 'SHA256:/ax/EQuj1iyqHWLmtg7DcsyHgoOgEM67SCM9C82HQ6w';
const blob = (b64: string) => Buffer.from(b64, 'base64');
/** `[box.example]:2222 ssh-ed25519 <k1>` after `ssh-keygen -H`. */
const hashedK1 = `|1|BWOv3+pz+1nrI3wc7iJq+5OWN5c=|bKwpOR3wupioHV+lGLi93Ehvkv8= ssh-ed25519 ${k1}`;

describe('fingerprints', () => {
  it('match ssh-keygen -lf, without base64 padding', () => {
    expect(sha256Fingerprint(blob(k1))).toBe(k1Fingerprint);
    expect(sha256Fingerprint(blob(k2))).toBe(k2Fingerprint);
  });
  it('pinned values compare with or without padding', () => {
    expect(normalizeFingerprint(`${k1Fingerprint}=`)).toBe(k1Fingerprint);
    expect(normalizeFingerprint(k1Fingerprint.replace('SHA256:', ''))).toBe(k1Fingerprint);
  });
  it('read the key type from the blob', () => {
    expect(keyBlobType(blob(k1))).toBe('ssh-ed25519');
    expect(keyBlobType(Buffer.alloc(2))).toBe('unknown');
  });
});

describe('known_hosts', () => {
  it('names non-standard ports [host]:port', () => {
    expect(knownHostsName('pi.lan', 22)).toBe('pi.lan');
    expect(knownHostsName('10.0.0.7', 2222)).toBe('[10.0.0.7]:2222');
  });

  it('matches plain entries, port forms, comma lists and wildcards', () => {
    const entries = parseKnownHosts(
      [
        '# comment',
        '',
        `pi.lan,10.0.0.7 ssh-ed25519 ${k1} pi`,
        `[10.0.0.8]:2222 ssh-ed25519 ${k2}`,
        `*.farm.example ssh-ed25519 ${k2}`,
        'garbage-line',
      ].join('\n'),
    );
    expect(entries).toHaveLength(3);
    expect(checkKnownHosts(entries, 'pi.lan', 22, blob(k1))).toEqual({ kind: 'match', line: 3 });
    expect(checkKnownHosts(entries, '10.0.0.7', 22, blob(k1)).kind).toBe('match');
    expect(checkKnownHosts(entries, '10.0.0.8', 2222, blob(k2)).kind).toBe('match');
    expect(checkKnownHosts(entries, 'PHONE3.farm.example', 22, blob(k2)).kind).toBe('match');
    // A bare entry is for port 22 only.
    expect(checkKnownHosts(entries, 'pi.lan', 2222, blob(k1)).kind).toBe('unknown');
    expect(checkKnownHosts(entries, 'other.lan', 22, blob(k1)).kind).toBe('unknown');
  });

  it('reports a changed key with the expected fingerprints', () => {
    const entries = parseKnownHosts(`[box.example]:2222 ssh-ed25519 ${k1}\n`);
    expect(checkKnownHosts(entries, 'box.example', 2222, blob(k2))).toEqual({
      kind: 'changed',
      expected: [{ keyType: 'ssh-ed25519', fingerprint: k1Fingerprint, line: 1 }],
    });
  });

  it('matches hashed entries written by ssh-keygen -H', () => {
    const entries = parseKnownHosts(`${hashedK1}\n`);
    expect(entries[0]?.hashed).toBeDefined();
    expect(checkKnownHosts(entries, 'box.example', 2222, blob(k1)).kind).toBe('match');
    expect(checkKnownHosts(entries, 'box.example', 2222, blob(k2)).kind).toBe('changed');
    expect(checkKnownHosts(entries, 'box.example', 22, blob(k1)).kind).toBe('unknown');
    expect(knownKeyTypes(entries, 'box.example', 2222)).toEqual(['ssh-ed25519']);
  });

  it('honours negation, @revoked and ignores @cert-authority', () => {
    const entries = parseKnownHosts(
      [
        `*.lan,!bad.lan ssh-ed25519 ${k1}`,
        `@revoked * ssh-ed25519 ${k2}`,
        `@cert-authority *.lan ssh-ed25519 ${k2}`,
      ].join('\n'),
    );
    expect(checkKnownHosts(entries, 'good.lan', 22, blob(k1)).kind).toBe('match');
    expect(checkKnownHosts(entries, 'bad.lan', 22, blob(k1)).kind).toBe('unknown');
    expect(checkKnownHosts(entries, 'good.lan', 22, blob(k2))).toEqual({ kind: 'revoked', line: 2 });
  });
});
