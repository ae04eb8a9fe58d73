// `bench blocks` against a real sshd when the SSH side is wrong: a key or user the server refuses, a
// host key that is not the pinned one or not pinned at all, a work folder that cannot be created, a
// full remote disk. Each is one line naming what and where (plus a hint), exit code 6, no LUT, and
// no retry storm against the server.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOrtPath } from '../../src/runners/ort-node/runner.js';
import { bench, tempDir } from '../support/cli.js';
import { writeSshProfile } from '../support/ssh-profiles.js';
import { canMountTmpfs } from '../support/small-disk.js';
import { generateKey, keyFingerprint, startSshd, type TestSshd } from '../support/sshd.js';

const store = tempDir('nsb-store-');
const env = { NANOSD_BENCH_STORE: store };
const small = ['--width', '0.125', '--latent', '8', '--rounds', '1', '--iterations', '2', '--warmup', '1'];

let sshd: TestSshd;
let dir: string;
let profiles: string;

beforeAll(async () => {
  sshd = await startSshd();
  dir = tempDir('nsb-apple-faults-');
  profiles = join(dir, 'profiles');
});

afterAll(async () => {
  await sshd?.stop();
  for (const d of [dir, store]) if (d) rmSync(d, { recursive: true, force: true });
});

const runner = { name: 'ort-node', options: { node: process.execPath, ort: localOrtPath() } };

async function attempt(
  name: string,
  transport: Record<string, unknown>,
  stages = 'conv_in',
  workDir = join(dir, `work-${name}`),
) {
  writeSshProfile(profiles, name, sshd, { workDir, runner, transport });
  const lutFile = join(dir, `${name}.lut.json`);
  const connections = sshd.connectionCount();
  const logins = sshd.loginCount();
  const r = await bench(
    ['blocks', '--device', name, '--profiles', profiles, ...small, '--stages', stages, '--out', lutFile],
    env,
  );
  // Let sshd finish logging the attempt before counting.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const [line, hint = ''] = r.stderr.trimEnd().split('\n');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(2);
  expect(existsSync(lutFile)).toBe(false);
  return {
    ...r,
    line: line!,
    hint,
    connections: sshd.connectionCount() - connections,
    logins: sshd.loginCount() - logins,
  };
}

describe('SSH faults through bench blocks', () => {
  it('a key the server does not accept: refused once, naming user, host and key', async () => {
    const wrong = generateKey(dir, 'not_authorized');
    const r = await attempt('badkey', { key: wrong });
    expect(r.code).toBe(6);
    expect(r.line).toBe(
      `bench: device badkey: ${sshd.user}@127.0.0.1:${sshd.port} refused the ` +
        `login as ${sshd.user} with key ${wrong} (${keyFingerprint(`${wrong}.pub`)})`,
    );
    expect(r.hint).toMatch(/authorized_keys.*ssh-copy-id -i <key>\.pub/);
    expect([r.connections, r.logins]).toEqual([1, 0]);
  });

  it('a user that does not exist: refused once', async () => {
    const r = await attempt('baduser', { user: 'nsb-no-such-user' });
    expect(r.code).toBe(6);
    expect(r.line).toMatch(
      /^bench: device baduser: nsb-no-such-user@127\.0\.0\.1:\d+ refused the login as nsb-no-such-user with key /,
    );
    expect([r.connections, r.logins]).toEqual([1, 0]);
  });

  it('a host key other than the pinned one: refused before logging in, with both fingerprints', async () => {
    const pinned = keyFingerprint(`${sshd.keyFile}.pub`);
    const r = await attempt('badhostkey', { hostKey: pinned });
    expect(r.code).toBe(6);
    expect(r.line).toBe(
      `bench: device badhostkey: host key of ${sshd.user}@127.0.0.1:${sshd.port} does not match the ` +
        `profile: the server presented ssh-ed25519 ${sshd.hostKeyFingerprint}, the profile pins ${pinned}`,
    );
    expect(r.hint).toContain(`"hostKey": "${sshd.hostKeyFingerprint}"`);
    expect([r.connections, r.logins]).toEqual([1, 0]);
  });

  it('no pinned host key: refused, showing the fingerprint ssh-keyscan | ssh-keygen -lf - prints', async () => {
    const r = await attempt('unpinned', { hostKey: undefined });
    expect(r.code).toBe(6);
    expect(r.line).toContain(
      `host key of ${sshd.user}@127.0.0.1:${sshd.port} is unknown: ` +
        `the server presented ssh-ed25519 ${sshd.hostKeyFingerprint}`,
    );
    expect(r.hint).toContain(`pin it with "hostKey": "${sshd.hostKeyFingerprint}"`);
    const scan = spawnSync(
      'sh',
      ['-c', 'ssh-keyscan -p "$1" -t ed25519 127.0.0.1 2>/dev/null | ssh-keygen -lf -', 'sh', String(sshd.port)],
      { encoding: 'utf8' },
    );
    expect(scan.stdout).toContain(sshd.hostKeyFingerprint);
    expect(r.logins).toBe(0);
  });

  it('a work folder that cannot be created: names the folder and the profile key', async () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'a file, not a folder');
    const r = await attempt('nowork', {}, 'conv_in', join(blocker, 'work'));
    expect(r.code).toBe(6);
    expect(r.line).toMatch(
      new RegExp(`^bench: device nowork: cannot create folder ${join(blocker, 'work')}.* on .*: .*Not a directory`),
    );
    expect(r.hint).toContain('workDir');
  });

  // A small tmpfs stands in for a full disk on the device; mounting needs root.
  const canMount = canMountTmpfs();

  it.skipIf(!canMount)(
    'a full remote disk: says so, with the folder, the free space and what the file needs',
    async () => {
      const small = join(dir, 'small-disk');
      mkdirSync(small);
      // Room for the device runner (~40 KB) and a weight file or two of E1, not for all of them.
      expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=600k', 'tmpfs', small]).status).toBe(0);
      try {
        const r = await attempt('fulldisk', {}, 'E1', join(small, 'work'));
        expect(r.code).toBe(6);
        expect(r.line).toMatch(
          new RegExp(
            `^bench: device fulldisk: remote disk full: ${join(small, 'work', 'models')}/\\S+/weights ` +
              `on \\S+ has [0-9.]+ MiB free, E1\\.\\w+\\.[0-9a-f]+\\.bin needs 0\\.[0-9] MiB`,
          ),
        );
        expect(r.hint).toContain('workDir');
      } finally {
        spawnSync('umount', [small]);
      }
    },
  );
});
