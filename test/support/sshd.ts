// A real OpenSSH sshd for tests: 127.0.0.1 only, a free port, throw-away host and client keys in a
// temporary folder (platform-notes §4). It can be killed mid-test, sessions included, to simulate a
// dropped connection, and started again on the same port with the same keys.
//
//   const sshd = await startSshd();
//   const transport = await createSshTransport(sshd.transportSpec, { profile: 'test' });
//   ...
//   await sshd.stop();
import { freePort } from './net.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { SshTransportSpec } from '../../src/transports/ssh/spec.js';

const sshdBinary = '/usr/sbin/sshd';
const sftpServer = '/usr/lib/openssh/sftp-server';

export interface TestSshd {
  host: '127.0.0.1';
  port: number;
  /** The user running the tests (sshd can only log in as that user when not root). */
  user: string;
  /** Temporary folder with keys, config and whatever a test wants to put there; removed by stop(). */
  dir: string;
  /** Client private key (ed25519) listed in authorized_keys. */
  keyFile: string;
  /** Host key fingerprint as `ssh-keygen -lf` prints it (`SHA256:...`). */
  hostKeyFingerprint: string;
  /** A known_hosts file with the plain `[127.0.0.1]:port` entry for the host key. */
  knownHostsFile: string;
  /** The host key as a known_hosts key field: `ssh-ed25519 AAAA...`. */
  hostPublicKey: string;
  /** Ready to hand to createSshTransport: key file and pinned host key. */
  transportSpec: SshTransportSpec;
  /** Everything sshd logged (LogLevel VERBOSE) since start. */
  log(): string;
  /** TCP connections sshd accepted so far ("Connection from" lines), probes included. */
  connectionCount(): number;
  /** Successful logins so far ("Accepted publickey" lines). */
  loginCount(): number;
  running(): boolean;
  /** SIGKILL the daemon and every session it started: clients see the connection drop. */
  kill(): Promise<void>;
  /** kill() if running, then start again on the same port with the same keys. */
  restart(): Promise<void>;
  /** kill() and remove the temporary folder. */
  stop(): Promise<void>;
}

/** ssh-keygen a throw-away key pair; returns the private key path (the public key is `<path>.pub`). */
export function generateKey(dir: string, name: string, type: 'ed25519' | 'rsa' = 'ed25519'): string {
  const file = join(dir, name);
  const args = ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', name, '-f', file];
  const result = spawnSync('ssh-keygen', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ssh-keygen failed: ${result.stderr || result.error?.message}`);
  return file;
}

/** `SHA256:...` of a public key file, from ssh-keygen itself (independent of the code under test). */
export function keyFingerprint(publicKeyFile: string): string {
  const result = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyFile], { encoding: 'utf8' });
  const match = /SHA256:\S+/.exec(result.stdout);
  if (!match) throw new Error(`ssh-keygen -l failed: ${result.stderr}`);
  return match[0];
}

/** Every live descendant of `root` (children of children...), read from /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may itself contain them.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** True while `pid` runs on this machine (zombies count as gone); the sshd's sessions run here too. */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

export async function startSshd(): Promise<TestSshd> {
  if (!existsSync(sshdBinary))
    throw new Error(`${sshdBinary} is missing: run scripts/ensure-system-deps.sh (apt-get install openssh-server)`);
  if (!existsSync('/run/sshd')) {
    // sshd refuses to start without its privilege separation folder (platform-notes §4, gotcha 1).
    try {
      mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    } catch {
      throw new Error('/run/sshd is missing: run scripts/ensure-system-deps.sh as root');
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'nsb-sshd-'));
  const hostKey = generateKey(dir, 'host_ed25519');
  const keyFile = generateKey(dir, 'client_ed25519');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${keyFile}.pub`), { mode: 0o600 });
  const hostPublicKey = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const hostKeyFingerprint = keyFingerprint(`${hostKey}.pub`);
  const user = userInfo().username;
  const config = join(dir, 'sshd_config');

  let port = 0;
  let child: ChildProcess | undefined;
  let logText = '';

  const writeConfig = () =>
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        // Keys live under /tmp (mode 1777), which StrictModes rejects (platform-notes §4, gotcha 2).
        'StrictModes no',
        `Subsystem sftp ${sftpServer}`,
        // VERBOSE logs every accepted TCP connection, which the tests count.
        'LogLevel VERBOSE',
        'MaxStartups 100',
        '',
      ].join('\n'),
    );

  const launch = async (): Promise<boolean> => {
    writeConfig();
    const check = spawnSync(sshdBinary, ['-t', '-f', config], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`sshd -t rejected the test config: ${check.stderr.trim()}`);
    const proc = spawn(sshdBinary, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    started.add(proc);
    child = proc;
    // Only this launch's lines count: after a restart the log already holds the earlier ones.
    const from = logText.length;
    return new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`sshd did not start listening within 10 s:\n${logText}`)),
        10_000,
      );
      proc.stderr!.setEncoding('utf8');
      proc.stderr!.on('data', (chunk: string) => {
        logText += chunk;
        if (logText.slice(from).includes(`Server listening on 127.0.0.1 port ${port}.`)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      proc.once('exit', () => {
        started.delete(proc);
        clearTimeout(timer);
        if (child === proc) child = undefined;
        // Lost a race for the port: the caller picks another (or waits, on restart).
        if (/Address already in use/.test(logText.slice(from))) resolve(false);
        else reject(new Error(`sshd exited:\n${logText}`));
      });
    });
  };

  const kill = async () => {
    const proc = child;
    if (!proc || proc.pid === undefined) return;
    const victims = [proc.pid, ...descendants(proc.pid)];
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    for (const pid of victims) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await exited;
    const deadline = Date.now() + 5_000;
    while (victims.some(processAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };

  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    if (await launch()) break;
    if (attempt >= 5) throw new Error(`sshd could not bind a free port:\n${logText}`);
  }

  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostPublicKey}\n`);

  return {
    host: '127.0.0.1',
    port,
    user,
    dir,
    keyFile,
    hostKeyFingerprint,
    knownHostsFile,
    hostPublicKey,
    transportSpec: {
      kind: 'ssh',
      host: '127.0.0.1',
      port,
      user,
      key: keyFile,
      hostKey: hostKeyFingerprint,
      connectTimeoutMs: 10_000,
    },
    log: () => logText,
    connectionCount: () => (logText.match(/Connection from 127\.0\.0\.1 port \d+ on/g) ?? []).length,
    loginCount: () => (logText.match(/Accepted publickey for /g) ?? []).length,
    running: () => child !== undefined,
    kill,
    async restart() {
      await kill();
      // The old socket may linger a moment; sshd sets SO_REUSEADDR, so a short wait is enough.
      for (let attempt = 0; !(await launch()); attempt++) {
        if (attempt >= 20) throw new Error(`sshd could not bind port ${port} again:\n${logText}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
