// Who is at the other end: the host key the server presents must be the one pinned in the profile
// (`hostKey`, a SHA256 fingerprint) or listed for the host in the profile's known_hosts file. An
// unknown or changed key is refused before any credentials are sent, and the refusal shows the
// fingerprint the server presented and how to pin it.
import { readFileSync } from 'node:fs';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import { DeviceError } from '../../errors.js';
import { keyBlobType, normalizeFingerprint, sha256Fingerprint } from './fingerprint.js';
import {
  checkKnownHosts,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
  type KnownHostEntry,
  type KnownHostsVerdict,
} from './known-hosts.js';
import { expandHome, sshTarget, type SshTransportSpec } from './spec.js';

export interface HostKeyPolicy {
  /** ssh2 `hostVerifier`: true accepts the key. A refusal is kept in `refusal`. */
  verify(keyBlob: Buffer): boolean;
  refusal: DeviceError | undefined;
  /** Host key algorithms in the order to offer them (known_hosts types first), or undefined for ssh2's order. */
  preferredAlgorithms: ServerHostKeyAlgorithm[] | undefined;
}

/** `/etc/ssh/ssh_host_<x>_key.pub` holds the key of this type on an OpenSSH server. */
function hostKeyFileHint(keyType: string): string {
  const kind = keyType.startsWith('ecdsa-')
    ? 'ecdsa'
    : keyType === 'ssh-ed25519'
      ? 'ed25519'
      : keyType === 'ssh-rsa'
        ? 'rsa'
        : '*';
  return `ssh-keygen -lf /etc/ssh/ssh_host_${kind}_key.pub`;
}

/** ssh2's default host key algorithms, in its order of preference. */
const hostKeyAlgorithms: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * Like OpenSSH, ask first for the key types known_hosts lists for the host, so a server with several
 * host keys presents one that can be checked (an RSA key may be signed with SHA-2).
 */
function orderAlgorithms(knownTypes: readonly string[]): ServerHostKeyAlgorithm[] {
  const first = knownTypes.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]));
  return [...new Set([...first.filter(isOffered), ...hostKeyAlgorithms])];
}

function isOffered(name: string): name is ServerHostKeyAlgorithm {
  return (hostKeyAlgorithms as string[]).includes(name);
}

/** What a refusal names: the device, the key the server presented and how to pin it. */
interface Presented {
  spec: SshTransportSpec;
  profile: string;
  target: string;
  keyType: string;
  fingerprint: string;
  pinHint: string;
}

function readKnownHosts(spec: SshTransportSpec, profile: string): { file: string; entries: KnownHostEntry[] } {
  const file = expandHome(spec.knownHosts!);
  try {
    return { file, entries: parseKnownHosts(readFileSync(file, 'utf8')) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new DeviceError(profile, `cannot read known_hosts file ${file} (${code})`, {
      hint: `fix "knownHosts" in profile ${profile}, or pin the host key with "hostKey": "SHA256:..."`,
    });
  }
}

function pinMismatch(p: Presented, pinned: string): DeviceError {
  return new DeviceError(
    p.profile,
    `host key of ${p.target} does not match the profile: the server ` +
      `presented ${p.keyType} ${p.fingerprint}, the profile pins ${pinned}`,
    {
      hint:
        `if the device was reinstalled, check the key on it (${hostKeyFileHint(p.keyType)}) ` +
        `and set ${p.pinHint} in profile ${p.profile}; otherwise the connection may be intercepted`,
    },
  );
}

/** A key known_hosts does not accept: revoked, changed, or not listed for the host. */
function knownHostsRefusal(
  p: Presented,
  file: string,
  verdict: Exclude<KnownHostsVerdict, { kind: 'match' }>,
): DeviceError {
  const { spec, profile, target, keyType, fingerprint, pinHint } = p;
  if (verdict.kind === 'revoked') {
    return new DeviceError(
      profile,
      `host key of ${target} (${keyType} ${fingerprint}) is marked @revoked in ${file} line ${verdict.line}`,
      { hint: 'the device must get a new host key before it can be used' },
    );
  }
  if (verdict.kind === 'changed') {
    const expected = verdict.expected.map((e) => `${e.keyType} ${e.fingerprint} (line ${e.line})`).join(', ');
    const name = knownHostsName(spec.host, spec.port);
    return new DeviceError(
      profile,
      `host key of ${target} changed: the server presented ${keyType} ${fingerprint}, ${file} expects ${expected}`,
      {
        hint:
          `if the device was reinstalled, check the key on it (${hostKeyFileHint(keyType)}), ` +
          `then remove the old entry (ssh-keygen -R '${name}' -f ${file}) or ` +
          `set ${pinHint} in profile ${profile}; otherwise the connection may be intercepted`,
      },
    );
  }
  return new DeviceError(
    profile,
    `host key of ${target} is not in ${file}: the server presented ${keyType} ${fingerprint}`,
    {
      hint:
        `check it on the device (${hostKeyFileHint(keyType)}); if it matches, set ${pinHint} in ` +
        `profile ${profile} or add the host to ${file} (ssh-keyscan -p ${spec.port} ${spec.host})`,
    },
  );
}

function unknownKey(p: Presented): DeviceError {
  return new DeviceError(
    p.profile,
    `host key of ${p.target} is unknown: the server presented ${p.keyType} ${p.fingerprint}`,
    {
      hint:
        `check it on the device (${hostKeyFileHint(p.keyType)}); if it matches, pin it with ${p.pinHint} ` +
        `in the ssh transport of profile ${p.profile} (or set "knownHosts" to a known_hosts file)`,
    },
  );
}

export function createHostKeyPolicy(spec: SshTransportSpec, profile: string): HostKeyPolicy {
  const target = sshTarget(spec);
  const pinned = spec.hostKey !== undefined ? normalizeFingerprint(spec.hostKey) : undefined;
  const known = pinned === undefined && spec.knownHosts !== undefined ? readKnownHosts(spec, profile) : undefined;
  const types = known ? knownKeyTypes(known.entries, spec.host, spec.port) : [];
  const policy: HostKeyPolicy = {
    refusal: undefined,
    preferredAlgorithms: types.length > 0 ? orderAlgorithms(types) : undefined,
    verify(keyBlob: Buffer): boolean {
      const fingerprint = sha256Fingerprint(keyBlob);
      const p: Presented = {
        spec,
        profile,
        target,
        keyType: keyBlobType(keyBlob),
        fingerprint,
        pinHint: `"hostKey": "${fingerprint}"`,
      };
      if (pinned !== undefined) {
        if (fingerprint === pinned) return true;
        policy.refusal = pinMismatch(p, pinned);
        return false;
      }
      if (known !== undefined) {
        const verdict = checkKnownHosts(known.entries, spec.host, spec.port, keyBlob);
        if (verdict.kind === 'match') return true;
        policy.refusal = knownHostsRefusal(p, known.file, verdict);
        return false;
      }
      policy.refusal = unknownKey(p);
      return false;
    },
  };
  return policy;
}
