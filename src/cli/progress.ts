// Progress output for long runs: one updating line per device on a terminal, plain lines otherwise
// (CI logs, pipes). With --json the progress goes to stderr and stdout stays machine-readable.
import type { ProgressEvent } from '../app/events.js';
import type { CliIO } from './command.js';
import { terminalSafe } from '../terminal-text.js';

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 100) return ms.toFixed(1);
  if (ms >= 10) return ms.toFixed(2);
  return ms.toFixed(3);
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

export class ProgressPrinter {
  private readonly tty: boolean;
  private readonly lines = new Map<string, string>();
  private drawn = 0;
  private generated = 0;

  constructor(
    private readonly io: CliIO,
    private readonly out: CliIO['stdout'],
  ) {
    this.tty = out.isTTY === true && io.env['CI'] === undefined;
  }

  handle = (e: ProgressEvent): void => {
    switch (e.type) {
      case 'generate':
        this.generated += e.bytes;
        this.update(
          'store',
          `generating ${e.what} (${formatBytes(e.bytes)}; ${formatBytes(this.generated)} so far)`,
          !this.tty,
        );
        break;
      case 'status':
        this.update(e.device, `${e.device}: ${e.text}`, true);
        break;
      case 'plan':
        this.update(
          e.device,
          `${e.device}: ${e.entries} entries to measure${e.skipped > 0 ? `, ${e.skipped} already in ${e.lut}` : ''}`,
          true,
        );
        break;
      case 'visit':
        this.update(
          e.device,
          `${e.device}: round ${e.round + 1} ${bar(e.index, e.total)} ${e.index + 1}/${e.total} ${e.label}`,
          false,
        );
        break;
      case 'entry':
        this.update(
          e.device,
          `${e.device}: round ${e.round + 1} ${e.label.padEnd(18)} median ${formatMs(e.median)} ms  ` +
            `n=${e.n}  ±${(e.rme * 100).toFixed(2)}%${e.flags.length ? `  [${e.flags.join(', ')}]` : ''}`,
          !this.tty,
        );
        break;
      case 'failure':
        this.update(e.device, `${e.device}: FAILED ${e.label}: ${e.message}`, true);
        break;
      case 'warning':
        this.update(e.device, `${e.device}: warning: ${e.text}`, true);
        break;
      case 'thermal-wait':
        this.update(
          e.device,
          `${e.device}: waiting to cool down (${e.tempC.toFixed(1)} °C > ${e.limitC} °C)`,
          !this.tty,
        );
        break;
      case 'tile':
        this.update(
          e.device,
          `${e.device}: tile ${bar(e.index + 1, e.count)} ${e.index + 1}/${e.count}  ${(e.ms / 1000).toFixed(2)} s` +
            `  (${(e.elapsedMs / 1000).toFixed(1)} s so far)`,
          !this.tty,
        );
        break;
      case 'done':
        this.update(
          e.device,
          `${e.device}: ${e.ok} ok, ${e.failed} failed in ${(e.ms / 1000).toFixed(1)} s -> ${e.lut}`,
          true,
        );
        break;
    }
  };

  /** Clears the live lines before the final output. */
  finish(): void {
    if (this.tty && this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[J`);
    this.drawn = 0;
    this.lines.clear();
  }

  private update(key: string, raw: string, permanent: boolean): void {
    // Labels and device names are data: escape their control characters; ours are written apart.
    const text = terminalSafe(raw);
    if (!this.tty) {
      if (permanent) this.out.write(`${text}\n`);
      return;
    }
    const width = Math.max(40, (this.out.columns ?? 100) - 1);
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[J`);
    if (permanent) {
      this.out.write(`${text.slice(0, width)}\n`);
      this.lines.delete(key);
    } else {
      this.lines.set(key, text);
    }
    const live = [...this.lines.values()];
    for (const l of live) this.out.write(`${l.slice(0, width)}\n`);
    this.drawn = live.length;
  }
}

function bar(index: number, total: number): string {
  const width = 20;
  const filled = Math.round((index / Math.max(1, total)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
