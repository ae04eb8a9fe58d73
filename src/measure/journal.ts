// The append-only journal beside a LUT while it is being measured: one JSON line per finished round
// of one entry (or per failure). A run stopped at any point (Ctrl-C, an unplugged phone, an SSH drop)
// leaves every completed round here, and `--resume` continues from it.
//
// A record is appended whole or not at all: a full disk mid-append cuts the file back to its previous
// length (atomic-write.ts appendWhole) and stops the run with exit 8, the journal as it was. A line can
// still be torn by a crash or SIGKILL mid-write; the reader drops a final line without its newline, and
// the first append of a resumed run cuts it off, so the next record never glues onto it.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { appendWhole, syncFolder, truncateFile } from '../atomic-write.js';
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

/** What to do after a full disk stopped a run: the journal kept every finished round. */
export const RESUME_HINT =
  'free some space, then run the same command with --resume: the journal keeps every finished round';

export class Journal {
  private tailChecked = false;

  constructor(readonly file: string) {}

  exists(): boolean {
    return existsSync(this.file);
  }

  start(header: JournalHeader): void {
    mkdirSync(dirname(this.file), { recursive: true });
    rmSync(this.file, { force: true });
    try {
      this.append(header);
    } catch (error) {
      // A journal without its header could not be resumed; without the file the run simply starts over.
      rmSync(this.file, { force: true });
      throw error;
    }
    syncFolder(dirname(this.file));
  }

  append(line: JournalLine): void {
    if (!this.tailChecked) {
      dropTornTail(this.file);
      this.tailChecked = true;
    }
    appendWhole(this.file, `${JSON.stringify(line)}\n`, { diskFullHint: RESUME_HINT });
  }

  read(): JournalLine[] {
    if (!this.exists()) return [];
    const text = readFileSync(this.file, 'utf8');
    // Only newline-terminated lines are records; what follows the last newline is a torn write.
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    const out: JournalLine[] = [];
    for (const line of complete.split('\n')) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line) as JournalLine);
      } catch {
        // Not a record (a file edited by hand): the lines around it are intact.
      }
    }
    return out;
  }

  remove(): void {
    rmSync(this.file, { force: true });
  }
}

/** Cuts a torn last line (bytes after the final newline) off the journal before anything is appended. */
function dropTornTail(file: string): void {
  if (!existsSync(file)) return;
  const fd = openSync(file, 'r');
  let keep: number;
  let size: number;
  try {
    size = fstatSync(fd).size;
    keep = lastNewlineEnd(fd, size);
  } finally {
    closeSync(fd);
  }
  if (keep < size) truncateFile(file, keep);
}

/** Offset just past the last newline of the open file (0 when it has none). */
function lastNewlineEnd(fd: number, size: number): number {
  const block = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - block.length);
    const n = readSync(fd, block, 0, end - start, start);
    const at = block.subarray(0, n).lastIndexOf(0x0a);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}
