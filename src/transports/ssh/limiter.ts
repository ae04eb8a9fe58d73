// A counting semaphore for SSH session channels. OpenSSH allows 10 sessions per connection
// (MaxSessions); past that, opening a channel fails. Ordinary commands share a few slots so the SFTP
// session and the kill of a timed-out command always find one free.

export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  /** Resolves with the function that gives the slot back (safe to call twice). */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.capacity) {
      this.active++;
    } else {
      // A releasing holder hands its slot straight to the first waiter, so `active` stays put.
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const index = this.waiting.indexOf(wake);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(signal?.reason);
        };
        if (signal?.aborted) {
          reject(signal.reason);
          return;
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiting.push(wake);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
