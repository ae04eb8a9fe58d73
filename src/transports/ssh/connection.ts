// One SSH connection per device for the whole run. Every exec, push and pull rides on it as a
// channel. When the connection drops, whatever was in flight fails with a DeviceError, and the next
// call dials again, once. A refused login or host key is remembered and never retried.
import { NodeSSH } from 'node-ssh';
import { DeviceError, InterruptedError } from '../../errors.js';
import { resolveAuth, type SshAuth } from './auth.js';
import { describeConnectError } from './connect-errors.js';
import { createHostKeyPolicy } from './host-key.js';
import { sshTarget, type SshTransportOptions, type SshTransportSpec } from './spec.js';
import type { Ssh2Channel, Ssh2Client, Ssh2Sftp } from './ssh2.js';

const defaultConnectTimeoutMs = 15_000;
/** Ping an idle connection so a vanished device is noticed (3 missed pings: about 45 s). */
const keepaliveIntervalMs = 15_000;

export interface ConnectionStats {
  /** Connections established (1 for a whole run unless the connection dropped). */
  connects: number;
  /** Connection attempts, successful or not. */
  connectAttempts: number;
  /** Connections that dropped while in use. */
  drops: number;
  /** Session channels opened for commands: the long-lived shells, and kills of timed-out commands. */
  channels: number;
  /** Commands run (the harness's own probes included), each through one of the shells. */
  commands: number;
}

type DropListener = (error: DeviceError) => void;

export class SshConnection {
  readonly target: string;
  readonly profile: string;
  readonly stats: ConnectionStats = { connects: 0, connectAttempts: 0, drops: 0, channels: 0, commands: 0 };

  private client: Ssh2Client | undefined;
  private ssh: NodeSSH | undefined;
  private connecting: Promise<Ssh2Client> | undefined;
  private sftpSession: Promise<Ssh2Sftp> | undefined;
  private final: DeviceError | undefined;
  private closed = false;
  private lastSocketError: Error | undefined;
  private readonly dropListeners = new Set<DropListener>();

  constructor(
    private readonly spec: SshTransportSpec,
    private readonly options: SshTransportOptions,
  ) {
    this.target = sshTarget(spec);
    this.profile = options.profile;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** True once close() was called: nothing reconnects after that. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** The live client, dialing (once) when there is none. */
  async ensure(): Promise<Ssh2Client> {
    if (this.closed) throw new DeviceError(this.profile, `the connection to ${this.target} was closed`);
    if (this.final) throw this.final;
    if (this.client) return this.client;
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<Ssh2Client> {
    const signal = this.options.signal;
    if (signal?.aborted)
      throw new InterruptedError(`device ${this.profile}: stopped before connecting to ${this.target}`);
    let auth: SshAuth;
    let policy: ReturnType<typeof createHostKeyPolicy>;
    try {
      auth = resolveAuth(this.spec, this.profile);
      policy = createHostKeyPolicy(this.spec, this.profile);
    } catch (error) {
      if (error instanceof DeviceError) this.final = error;
      throw error;
    }
    const timeoutMs = this.spec.connectTimeoutMs ?? defaultConnectTimeoutMs;
    const ssh = new NodeSSH();
    this.stats.connectAttempts++;
    let onAbort: (() => void) | undefined;
    try {
      const connecting = ssh.connect({
        host: this.spec.host,
        port: this.spec.port,
        username: this.spec.user,
        ...(auth.privateKey !== undefined ? { privateKey: auth.privateKey } : {}),
        ...(auth.agent !== undefined ? { agent: auth.agent } : {}),
        readyTimeout: timeoutMs,
        keepaliveInterval: keepaliveIntervalMs,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer) => policy.verify(key),
        ...(policy.preferredAlgorithms ? { algorithms: { serverHostKey: policy.preferredAlgorithms } } : {}),
      });
      await new Promise<void>((resolve, reject) => {
        onAbort = () =>
          reject(new InterruptedError(`device ${this.profile}: stopped while connecting to ${this.target}`));
        signal?.addEventListener('abort', onAbort, { once: true });
        connecting.then(() => resolve(), reject);
      });
    } catch (error) {
      ssh.dispose();
      if (error instanceof InterruptedError) throw error;
      if (policy.refusal) {
        this.final = policy.refusal;
        throw policy.refusal;
      }
      const failure = describeConnectError(error, {
        profile: this.profile,
        target: this.target,
        host: this.spec.host,
        port: this.spec.port,
        user: this.spec.user,
        auth,
        timeoutMs,
      });
      if (failure.final) this.final = failure.error;
      throw failure.error;
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
    const client = ssh.connection;
    if (!client) throw new DeviceError(this.profile, `connection to ${this.target} dropped right after logging in`);
    // node-ssh stops listening for errors once connected; an unheard 'error' event would crash the
    // process, and 'close' always follows one, so keeping the message is enough.
    client.on('error', (error: Error) => {
      this.lastSocketError = error;
    });
    client.on('close', () => this.onClose(client));
    // Without TCP_NODELAY every SFTP request waits out Nagle plus the peer's delayed ACK: about 40 ms
    // per stat or rename and 130 ms per small file, instead of under 2 ms.
    client.setNoDelay(true);
    if (this.closed) {
      client.end();
      throw new DeviceError(this.profile, `the connection to ${this.target} was closed`);
    }
    this.ssh = ssh;
    this.client = client;
    this.lastSocketError = undefined;
    this.stats.connects++;
    return client;
  }

  private onClose(client: Ssh2Client): void {
    if (client !== this.client) return;
    this.client = undefined;
    this.ssh = undefined;
    this.sftpSession = undefined;
    if (this.closed) return;
    this.stats.drops++;
    const reason = this.lastSocketError ? ` (${this.lastSocketError.message})` : '';
    const error = new DeviceError(this.profile, `connection to ${this.target} dropped${reason}`, {
      hint: 'the next command reconnects; check the device and its network if this repeats',
    });
    for (const listener of [...this.dropListeners]) listener(error);
  }

  /** Called when the connection drops while something is in flight. Returns the unsubscribe. */
  onDrop(listener: DropListener): () => void {
    this.dropListeners.add(listener);
    return () => this.dropListeners.delete(listener);
  }

  /**
   * Opens an exec channel. How many are open at once is the caller's to limit (shell-pool.ts):
   * OpenSSH refuses sessions past MaxSessions (10 per connection).
   */
  async openExec(
    command: string,
    options: { signal?: AbortSignal; what?: string } = {},
  ): Promise<{ channel: Ssh2Channel }> {
    const what = options.what ?? 'a command';
    try {
      const client = await this.ensure();
      const channel = await new Promise<Ssh2Channel>((resolve, reject) => {
        client.exec(command, {}, (err, ch) => (err ? reject(err) : resolve(ch)));
      });
      this.stats.channels++;
      return { channel };
    } catch (error) {
      if (error instanceof DeviceError || error instanceof InterruptedError) throw error;
      if (options.signal?.aborted)
        throw new InterruptedError(`device ${this.profile}: stopped while waiting to run ${what}`);
      if (!this.connected) {
        throw new DeviceError(this.profile, `connection to ${this.target} dropped while starting ${what}`, {
          cause: error,
        });
      }
      throw new DeviceError(this.profile, `${this.target} refused to run ${what}: ${(error as Error).message}`, {
        cause: error,
        hint: 'the server may limit sessions per connection (MaxSessions) or forbid commands for this user',
      });
    }
  }

  /** The connection's SFTP session, opened on first use and kept. */
  async sftp(): Promise<Ssh2Sftp> {
    if (!this.sftpSession) {
      const opening = (async () => {
        await this.ensure();
        const ssh = this.ssh;
        if (!ssh) throw new DeviceError(this.profile, `connection to ${this.target} dropped while opening SFTP`);
        try {
          const session = await ssh.requestSFTP();
          session.on('close', () => {
            if (this.sftpSession === opening) this.sftpSession = undefined;
          });
          return session;
        } catch (error) {
          throw new DeviceError(this.profile, `${this.target} cannot start SFTP: ${(error as Error).message}`, {
            cause: error,
            hint:
              'file copies need the SFTP subsystem: add "Subsystem sftp ' +
              'internal-sftp" (or the sftp-server path) to sshd_config on the device',
          });
        }
      })();
      this.sftpSession = opening;
      opening.catch(() => {
        if (this.sftpSession === opening) this.sftpSession = undefined;
      });
    }
    return this.sftpSession;
  }

  /** Drops the SFTP session (after an aborted transfer left it in an unknown state). */
  resetSftp(): void {
    const session = this.sftpSession;
    this.sftpSession = undefined;
    session?.then((s) => s.end()).catch(() => {});
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connecting?.catch(() => {});
    const client = this.client;
    this.client = undefined;
    this.sftpSession = undefined;
    if (!client) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        client.destroy();
        resolve();
      }, 2_000);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
  }
}
