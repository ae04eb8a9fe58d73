// The append-only journal beside a LUT while it is being measured: one JSON line per finished round
// of one entry (or per failure). A run stopped at any point (Ctrl-C, an unplugged phone, an SSH drop)
// leaves every completed round here, and `--resume` continues from it. A line cut off mid-write is
// ignored.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EntryKey } from '../lut/schema.js';

export interface JournalHeader {
  type: 'header';
  /** Identity of the run: device fingerprint, runner, settings that change what samples mean. */
  identity: Record<string, unknown>;
  startedAt: string;
}

export interface RoundRecord {
  type: 'round';
  id: string;
  key: EntryKey;
  modelSha256: string;
  round: number;
  kind: 'iteration' | 'process';
  samples: number[];
  warmup?: number[];
  loadMs?: number;
  provider?: string;
  cpuFallback?: boolean;
  peakMemoryBytes?: number;
  temperatures: { before: Record<string, number>; after: Record<string, number> };
  throttled: boolean;
  hostMs: number;
  extra?: Record<string, unknown>;
}

export interface FailureRecord {
  type: 'failed';
  id: string;
  key: EntryKey;
  modelSha256: string;
  round: number;
  error: { code: string; message: string };
  /** Permanent failures (a model the runtime cannot load) are not retried on resume. */
  permanent: boolean;
}

export type JournalLine = JournalHeader | RoundRecord | FailureRecord;

export function journalPathFor(lutFile: string): string {
  return `${lutFile}.journal.jsonl`;
}

export class Journal {
  constructor(readonly file: string) {}

  exists(): boolean {
    return existsSync(this.file);
  }

  start(header: JournalHeader): void {
    mkdirSync(dirname(this.file), { recursive: true });
    rmSync(this.file, { force: true });
    this.append(header);
  }

  append(line: JournalLine): void {
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
  }

  read(): JournalLine[] {
    if (!this.exists()) return [];
    const out: JournalLine[] = [];
    for (const text of readFileSync(this.file, 'utf8').split('\n')) {
      if (text.trim() === '') continue;
      try {
        out.push(JSON.parse(text) as JournalLine);
      } catch {
        // The last line of an interrupted write: everything before it is intact.
      }
    }
    return out;
  }

  remove(): void {
    rmSync(this.file, { force: true });
  }
}
