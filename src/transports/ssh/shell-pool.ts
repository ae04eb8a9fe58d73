// The long-lived shells of one connection. A command takes an idle shell or starts one; parallel
// commands get a shell each, up to the channels OpenSSH allows (MaxSessions, 10 per connection)
// less the SFTP session and the channels kept for kills. Past that, commands wait their turn.
import type { SshConnection } from './connection.js';
import { Limiter } from './limiter.js';
import { RemoteShell } from './remote-shell.js';

/** Commands at once per connection: MaxSessions (10) minus the SFTP session and the kill channels. */
const commandSlots = 7;
/** Kills of timed-out commands at once, each on a channel of its own. */
const killSlots = 2;
/** A shell left idle this long is ended, unless it is the last one. */
const idleCloseMs = 30_000;

export interface ShellLease {
  shell: RemoteShell;
  /** Gives the shell back: kept for the next command when `usable`, ended otherwise. Call once. */
  release(usable: boolean): void;
}

export class ShellPool {
  /** Slots for the channels that kill a timed-out command's process group. */
  readonly kills = new Limiter(killSlots);
  private readonly commands = new Limiter(commandSlots);
  private readonly idle: RemoteShell[] = [];
  private readonly idleTimers = new Map<RemoteShell, NodeJS.Timeout>();
  private closed = false;

  /** `workDir`: the profile's work folder, where each shell keeps its output files; see shell-program.ts. */
  constructor(
    private readonly conn: SshConnection,
    private readonly workDir?: string,
  ) {}

  /** A shell for one command. Rejects when `signal` aborts while waiting for a slot or a new shell. */
  async lease(signal?: AbortSignal): Promise<ShellLease> {
    const free = await this.commands.acquire(signal);
    try {
      const shell = this.takeIdle() ?? (await RemoteShell.start(this.conn, signal, this.workDir));
      let released = false;
      const release = (usable: boolean) => {
        if (released) return;
        released = true;
        this.giveBack(shell, usable);
        free();
      };
      return { shell, release };
    } catch (error) {
      free();
      throw error;
    }
  }

  /** Ends the idle shells; shells in use end when given back. */
  close(): void {
    this.closed = true;
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    for (const shell of this.idle.splice(0)) shell.close();
  }

  private takeIdle(): RemoteShell | undefined {
    // The most recently used first, so the others go idle long enough to be ended.
    for (let shell = this.idle.pop(); shell; shell = this.idle.pop()) {
      clearTimeout(this.idleTimers.get(shell));
      this.idleTimers.delete(shell);
      if (shell.alive) return shell;
    }
    return undefined;
  }

  private giveBack(shell: RemoteShell, usable: boolean): void {
    if (!usable || this.closed || !shell.alive) {
      if (usable) shell.close();
      else shell.destroy();
      return;
    }
    this.idle.push(shell);
    const timer = setTimeout(() => {
      this.idleTimers.delete(shell);
      const at = this.idle.indexOf(shell);
      if (at < 0 || this.idle.length < 2) return;
      this.idle.splice(at, 1);
      shell.close();
    }, idleCloseMs);
    // An idle shell must not keep the process alive.
    timer.unref();
    this.idleTimers.set(shell, timer);
  }
}
