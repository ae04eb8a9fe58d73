// One long-lived plain `sh` on the device, on one session channel, running one command at a time
// (shell-program.ts has the protocol). Starting it costs what one command used to cost (the login
// shell and its start-up files); every command after that costs a request line and a few forks.
import { randomBytes } from 'node:crypto';
import { DeviceError } from '../../errors.js';
import type { SshConnection } from './connection.js';
import { ShellFrameReader, type ShellFrame } from './shell-frames.js';
import { requestLine, shellCommand, shellProgram } from './shell-program.js';
import type { Ssh2Channel } from './ssh2.js';

/** A login shell with slow start-up files can take seconds; past this the device is not answering. */
const startTimeoutMs = 30_000;
/** Kept of the shell's own stderr, to explain a shell that would not start. */
const stderrTailBytes = 2_000;

export interface ShellExit {
  /** `$?` of the command as the shell saw it: 128 + n when signal n ended it. */
  status: number;
  stdout: Buffer;
  stderr: Buffer;
}

/** The shell's channel closed (or the shell stopped speaking the protocol) before the command's exit frame. */
export class ShellGoneError extends Error {}

export interface RunningCommand {
  /** The command's process group id, once the shell has said it (undefined after `waitMs`). */
  pid(waitMs: number): Promise<number | undefined>;
  /** Settles with the exit frame; rejects with ShellGoneError when the shell went away first. */
  readonly done: Promise<ShellExit>;
}

interface Pending {
  id: number;
  pid: number | undefined;
  pidWaiters: ((pid: number) => void)[];
  resolve(exit: ShellExit): void;
  reject(error: Error): void;
}

export class RemoteShell {
  /** How the shell gives commands a process group: `setsid`, `jobs` (set -m) or `none`. */
  method = 'none';
  /** The shell's private folder on the device (removed when the shell ends). */
  folder = '';
  private readonly reader: ShellFrameReader;
  private nextId = 1;
  private pending: Pending | undefined;
  private closed = false;
  private stderrTail = '';
  private starting: { resolve(): void; reject(error: Error): void } | undefined;

  private constructor(
    private readonly conn: SshConnection,
    private readonly channel: Ssh2Channel,
    /** Starts every frame header; random per shell, never seen by the commands it runs. */
    readonly sentinel: string,
  ) {
    this.reader = new ShellFrameReader(sentinel);
    channel.on('data', (chunk: Buffer) => {
      for (const frame of this.reader.push(chunk)) this.onFrame(frame);
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-stderrTailBytes);
    });
    channel.on('error', () => {
      // 'close' follows; the connection's drop listeners report a lost connection.
    });
    channel.on('close', () => this.handleClose());
  }

  /**
   * Opens a channel, starts the shell in it and waits until it is ready (or `signal` aborts). Its
   * output folder is made inside `workDir` when one is given (shell-program.ts says where otherwise).
   */
  static async start(conn: SshConnection, signal?: AbortSignal, workDir?: string): Promise<RemoteShell> {
    const sentinel = `nsb-${randomBytes(12).toString('hex')}`;
    const { channel } = await conn.openExec(shellCommand, { what: 'the command shell', ...(signal ? { signal } : {}) });
    const shell = new RemoteShell(conn, channel, sentinel);
    const ready = new Promise<void>((resolve, reject) => (shell.starting = { resolve, reject }));
    channel.write(shellProgram(sentinel, randomBytes(4).toString('hex'), workDir));
    const late = `did not start a shell within ${startTimeoutMs / 1000} s`;
    const timer = setTimeout(() => shell.failStart(late), startTimeoutMs);
    const onAbort = () => shell.failStart('stopped while it started');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await ready;
      return shell;
    } catch (error) {
      shell.destroy();
      // The channel closes before the connection reports the drop: let it, then say which it was.
      await new Promise((r) => setImmediate(r));
      if (!conn.connected && !conn.isClosed) {
        throw new DeviceError(conn.profile, `connection to ${conn.target} dropped while starting the command shell`, {
          cause: error,
          hint: 'the next command reconnects',
        });
      }
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  get alive(): boolean {
    return !this.closed;
  }

  /** Sends one command line (built by buildCommandLine); one at a time per shell. */
  run(commandLine: string): RunningCommand {
    if (this.pending) throw new Error('RemoteShell.run: a command is already running');
    const id = this.nextId++;
    let pending!: Pending;
    const done = new Promise<ShellExit>((resolve, reject) => {
      pending = { id, pid: undefined, pidWaiters: [], resolve, reject };
    });
    this.pending = pending;
    if (this.closed) this.failPending();
    else this.channel.write(requestLine(id, commandLine));
    return { done, pid: (waitMs) => this.waitForPid(pending, waitMs) };
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.failStart(this.stderrTail.trim().split('\n').pop() || 'closed the shell before it was ready');
    this.failPending();
  }

  /** Ends the shell: its stdin closes, it exits and removes its folder. */
  close(): void {
    if (!this.closed) this.channel.end();
  }

  /** Drops the channel at once (a shell that stopped answering). */
  destroy(): void {
    this.channel.destroy();
    this.handleClose();
  }

  private onFrame(frame: ShellFrame): void {
    if (frame.kind === 'ready') {
      this.method = frame.method;
      this.folder = frame.folder;
      this.starting?.resolve();
      this.starting = undefined;
    } else if (frame.kind === 'fail') {
      this.failStart(frame.reason);
    } else if (frame.kind === 'garbage') {
      // Not ours: whatever is running cannot be trusted to report an exit any more.
      this.destroy();
    } else if (this.pending && frame.id === this.pending.id) {
      if (frame.kind === 'pid') this.gotPid(this.pending, frame.pid);
      else this.settle(frame);
    }
  }

  private gotPid(pending: Pending, pid: number): void {
    pending.pid = pid;
    for (const waiter of pending.pidWaiters) waiter(pid);
    pending.pidWaiters = [];
  }

  private settle(frame: Extract<ShellFrame, { kind: 'exit' }>): void {
    const pending = this.pending!;
    this.pending = undefined;
    pending.resolve({ status: frame.status, stdout: frame.stdout, stderr: frame.stderr });
  }

  private failPending(): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(new ShellGoneError('the shell closed before the command ended'));
  }

  private failStart(reason: string): void {
    const starting = this.starting;
    if (!starting) return;
    this.starting = undefined;
    // The work folder that cannot be made is the profile's problem: said as the file copy says it.
    const workDir = /^workdir (.*?)\t(.*)$/.exec(reason);
    if (workDir) {
      const [, folder, detail] = workDir;
      const hint = `check "workDir" in profile ${this.conn.profile}: it must be a folder the SSH user can write`;
      const message = `cannot create folder ${folder} on ${this.conn.target}: ${detail!.trim()}`;
      starting.reject(new DeviceError(this.conn.profile, message, { hint }));
      return;
    }
    starting.reject(
      new DeviceError(this.conn.profile, `${this.conn.target} could not start a shell for commands: ${reason}`, {
        hint: 'commands run through a plain sh started over SSH: check that this account may run sh',
      }),
    );
  }

  private waitForPid(pending: Pending, waitMs: number): Promise<number | undefined> {
    if (pending.pid !== undefined) return Promise.resolve(pending.pid);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), waitMs);
      pending.pidWaiters.push((pid) => {
        clearTimeout(timer);
        resolve(pid);
      });
    });
  }
}
