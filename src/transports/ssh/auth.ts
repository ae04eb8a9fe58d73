// How we prove who we are: the private key file named in the profile, or else the user's SSH agent.
// Problems with the key itself (missing, a public key, protected by a passphrase) are found here,
// before any connection, and explained once.
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import { DeviceError } from '../../errors.js';
import { sha256Fingerprint } from './fingerprint.js';
import { expandHome, type SshTransportSpec } from './spec.js';
import type { ParsedKey } from 'ssh2';

export interface SshAuth {
  /** Private key text (OpenSSH, PEM or PPK), or undefined when the agent is used. */
  privateKey: string | undefined;
  /** Agent socket path (SSH_AUTH_SOCK), or undefined when a key file is used. */
  agent: string | undefined;
  /** For messages: `key ~/.ssh/id_ed25519 (SHA256:...)` or `the SSH agent`. */
  description: string;
  /** The public key line for authorized_keys, when known, to tell the user what to install. */
  publicKeyLine: string | undefined;
}

export function resolveAuth(spec: SshTransportSpec, profile: string): SshAuth {
  if (spec.key === undefined) {
    const agent = process.env['SSH_AUTH_SOCK'];
    if (agent === undefined || agent === '') {
      throw new DeviceError(profile, 'no "key" in the ssh transport and no SSH agent (SSH_AUTH_SOCK is not set)', {
        hint: `set "key" to a private key file in profile ${profile}, or start ssh-agent and ssh-add your key`,
      });
    }
    return { privateKey: undefined, agent, description: 'the keys of the SSH agent', publicKeyLine: undefined };
  }
  const file = expandHome(spec.key);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DeviceError(
      profile,
      `cannot read key file ${file} (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`,
      {
        hint: `fix "key" in the ssh transport of profile ${profile}`,
      },
    );
  }
  // An OpenSSH key file that holds no key gives undefined, whatever the published type says.
  const key = ssh2.utils.parseKey(text) as ParsedKey | Error | undefined;
  if (key === undefined || key instanceof Error) {
    const reason = key instanceof Error ? key.message : 'no key found';
    if (/passphrase/i.test(reason)) {
      throw new DeviceError(profile, `key file ${file} is protected by a passphrase`, {
        hint:
          `load it into the agent (ssh-add ${file}) and remove ` +
          `"key" from profile ${profile}, so the agent signs for it`,
      });
    }
    throw new DeviceError(profile, `key file ${file} is not a private key ssh can use (${reason})`, {
      hint: `point "key" in profile ${profile} at a private key (the file without .pub)`,
    });
  }
  if (!key.isPrivateKey()) {
    throw new DeviceError(profile, `key file ${file} holds a public key, not a private key`, {
      hint: `point "key" in profile ${profile} at the private key (the file without .pub)`,
    });
  }
  const publicBlob = key.getPublicSSH();
  return {
    privateKey: text,
    agent: undefined,
    description: `key ${file} (${sha256Fingerprint(publicBlob)})`,
    publicKeyLine: `${key.type} ${publicBlob.toString('base64')}`,
  };
}
