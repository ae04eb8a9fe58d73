// Login failures against a real sshd: a wrong key or user is one clear DeviceError after one
// connection, fast, and never retried; problems with the key file are found without connecting.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../src/errors.js';
import { createSshTransport, type SshTransportSpec } from '../../src/transports/ssh/index.js';
import { generateKey, startSshd, type TestSshd } from '../support/sshd.js';

let sshd: TestSshd;

beforeAll(async () => {
  sshd = await startSshd();
});

afterAll(async () => {
  await sshd?.stop();
});

async function failure(spec: SshTransportSpec): Promise<{ error: DeviceError; ms: number; connections: number }> {
  const before = sshd.connectionCount();
  const t0 = Date.now();
  const error = await createSshTransport(spec, { profile: 'auth' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  const ms = Date.now() - t0;
  expect(error).toBeInstanceOf(DeviceError);
  // Let sshd finish logging the attempt before counting.
  await new Promise((r) => setTimeout(r, 200));
  return { error: error as DeviceError, ms, connections: sshd.connectionCount() - before };
}

describe('ssh login', () => {
  it('a key that is not authorized fails once, quickly, naming user, host and key', async () => {
    const wrongKey = generateKey(sshd.dir, 'not_authorized');
    const { error, ms, connections } = await failure({ ...sshd.transportSpec, key: wrongKey });
    expect(error.message).toMatch(
      new RegExp(
        `^device auth: ${sshd.user}@127\\.0\\.0\\.1:${sshd.port} refused ` +
          `the login as ${sshd.user} with key .*not_authorized \\(SHA256:`,
      ),
    );
    expect(error.hint).toContain('authorized_keys');
    expect(connections).toBe(1);
    expect(ms).toBeLessThan(5_000);
  });

  it('a user that does not exist fails the same way, once', async () => {
    const { error, connections } = await failure({ ...sshd.transportSpec, user: 'nsb-no-such-user' });
    expect(error.message).toContain('refused the login as nsb-no-such-user');
    expect(connections).toBe(1);
  });

  it('problems with the key file are reported without connecting', async () => {
    const missing = await failure({ ...sshd.transportSpec, key: join(sshd.dir, 'no-such-key') });
    expect(missing.error.message).toMatch(/cannot read key file .*no-such-key \(no such file\)/);
    expect(missing.connections).toBe(0);

    const publicOnly = await failure({ ...sshd.transportSpec, key: `${sshd.keyFile}.pub` });
    expect(publicOnly.error.message).toMatch(/holds a public key/);
    expect(publicOnly.connections).toBe(0);

    const locked = join(sshd.dir, 'locked');
    expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-f', locked]).status).toBe(0);
    const encrypted = await failure({ ...sshd.transportSpec, key: locked });
    expect(encrypted.error.message).toMatch(/protected by a passphrase/);
    expect(encrypted.error.hint).toContain('ssh-add');
    expect(encrypted.connections).toBe(0);
  });

  it('without a key and without an agent, says so', async () => {
    const saved = process.env['SSH_AUTH_SOCK'];
    delete process.env['SSH_AUTH_SOCK'];
    try {
      const { key: _key, ...noKey } = sshd.transportSpec;
      const { error, connections } = await failure(noKey as SshTransportSpec);
      expect(error.message).toMatch(/no SSH agent/);
      expect(connections).toBe(0);
    } finally {
      if (saved !== undefined) process.env['SSH_AUTH_SOCK'] = saved;
    }
  });

  it('logs in through the SSH agent when the profile names no key', async () => {
    const agent = spawnSync('ssh-agent', ['-s'], { encoding: 'utf8' });
    const sock = /SSH_AUTH_SOCK=([^;]+);/.exec(agent.stdout)?.[1];
    const pid = Number(/SSH_AGENT_PID=(\d+);/.exec(agent.stdout)?.[1]);
    expect(sock).toBeDefined();
    const saved = process.env['SSH_AUTH_SOCK'];
    try {
      expect(spawnSync('ssh-add', [sshd.keyFile], { env: { ...process.env, SSH_AUTH_SOCK: sock } }).status).toBe(0);
      process.env['SSH_AUTH_SOCK'] = sock;
      const { key: _key, ...noKey } = sshd.transportSpec;
      const transport = await createSshTransport(noKey as SshTransportSpec, { profile: 'auth' });
      expect((await transport.exec(['echo', 'via agent'])).stdout).toBe('via agent\n');
      await transport.close();
    } finally {
      if (saved === undefined) delete process.env['SSH_AUTH_SOCK'];
      else process.env['SSH_AUTH_SOCK'] = saved;
      if (pid > 0) process.kill(pid);
    }
  });
});
