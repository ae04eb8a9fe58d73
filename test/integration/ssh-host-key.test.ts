// Host key checks against a real sshd: a pinned fingerprint or a known_hosts entry lets the
// connection through; a wrong pin, a changed or missing known_hosts entry, or no way to check at
// all is refused before logging in, with the real fingerprint and how to pin it.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../src/errors.js';
import { createSshTransport, type SshTransportSpec } from '../../src/transports/ssh/index.js';
import { generateKey, startSshd, type TestSshd } from '../support/sshd.js';

let sshd: TestSshd;
let otherHostKey: string;

beforeAll(async () => {
  sshd = await startSshd();
  const file = generateKey(sshd.dir, 'other_host_ed25519');
  otherHostKey = readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
});

afterAll(async () => {
  await sshd?.stop();
});

function spec(change: Partial<SshTransportSpec>): SshTransportSpec {
  const { hostKey: _pin, ...rest } = sshd.transportSpec;
  return { ...rest, ...change } as SshTransportSpec;
}

async function connectOk(s: SshTransportSpec): Promise<void> {
  const transport = await createSshTransport(s, { profile: 'hk' });
  expect((await transport.exec(['echo', 'ok'])).stdout).toBe('ok\n');
  await transport.close();
}

/** Connects expecting a refusal; checks nothing was logged in and exactly one connection was made. */
async function refused(s: SshTransportSpec): Promise<DeviceError> {
  const logins = sshd.loginCount();
  const connections = sshd.connectionCount();
  const error = await createSshTransport(s, { profile: 'hk' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeviceError);
  expect(sshd.loginCount()).toBe(logins);
  expect(sshd.connectionCount()).toBe(connections + 1);
  return error as DeviceError;
}

describe('ssh host key', () => {
  it('connects when the pinned fingerprint matches, with or without base64 padding', async () => {
    await connectOk(sshd.transportSpec);
    await connectOk({ ...sshd.transportSpec, hostKey: `${sshd.hostKeyFingerprint}=` });
  });

  it('refuses a wrong pinned fingerprint and shows the real one', async () => {
    const wrong = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const error = await refused(spec({ hostKey: wrong }));
    expect(error.message).toContain(sshd.hostKeyFingerprint);
    expect(error.message).toContain(wrong);
    expect(error.message).toMatch(/^device hk: host key of .* does not match the profile/);
    expect(error.hint).toContain(`"hostKey": "${sshd.hostKeyFingerprint}"`);
  });

  it('connects when known_hosts lists the key, plain or hashed', async () => {
    await connectOk(spec({ knownHosts: sshd.knownHostsFile }));
    const hashed = join(sshd.dir, 'known_hosts_hashed');
    copyFileSync(sshd.knownHostsFile, hashed);
    const r = spawnSync('ssh-keygen', ['-H', '-f', hashed], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(readFileSync(hashed, 'utf8')).toMatch(/^\|1\|/);
    await connectOk(spec({ knownHosts: hashed }));
  });

  it('refuses a key that changed from the one in known_hosts', async () => {
    const file = join(sshd.dir, 'known_hosts_changed');
    writeFileSync(file, `[127.0.0.1]:${sshd.port} ${otherHostKey}\n`);
    const error = await refused(spec({ knownHosts: file }));
    expect(error.message).toMatch(/host key of .* changed/);
    expect(error.message).toContain(sshd.hostKeyFingerprint);
    expect(error.hint).toContain(`ssh-keygen -R '[127.0.0.1]:${sshd.port}'`);
  });

  it('refuses a host missing from known_hosts, with the fingerprint to pin', async () => {
    const file = join(sshd.dir, 'known_hosts_other');
    // The same key under port 22 does not vouch for another port.
    writeFileSync(file, `127.0.0.1 ${sshd.hostPublicKey}\n`);
    const error = await refused(spec({ knownHosts: file }));
    expect(error.message).toMatch(/is not in .*known_hosts_other/);
    expect(error.message).toContain(sshd.hostKeyFingerprint);
    expect(error.hint).toContain(`"hostKey": "${sshd.hostKeyFingerprint}"`);
  });

  it('refuses an unknown host when nothing is pinned, with the fingerprint to pin', async () => {
    const error = await refused(spec({}));
    expect(error.message).toContain(`is unknown: the server presented ssh-ed25519 ${sshd.hostKeyFingerprint}`);
    expect(error.hint).toContain(`"hostKey": "${sshd.hostKeyFingerprint}"`);
    expect(error.hint).toContain('profile hk');
  });

  it('a missing known_hosts file is a clear error without connecting', async () => {
    const connections = sshd.connectionCount();
    await expect(createSshTransport(spec({ knownHosts: join(sshd.dir, 'nope') }), { profile: 'hk' })).rejects.toThrow(
      /cannot read known_hosts file .*nope/,
    );
    expect(sshd.connectionCount()).toBe(connections);
  });
});
