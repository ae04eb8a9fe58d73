// What a long-running use case reports while it works. The CLI turns these into a progress bar on a
// terminal and plain lines otherwise; a program can listen to them directly.

export type ProgressEvent =
  | { type: 'status'; device: string; text: string }
  | { type: 'generate'; what: string; bytes: number }
  | { type: 'plan'; device: string; entries: number; skipped: number; lut: string }
  | { type: 'visit'; device: string; id: string; label: string; round: number; index: number; total: number }
  | {
      type: 'entry';
      device: string;
      id: string;
      label: string;
      round: number;
      n: number;
      median: number;
      rme: number;
      flags: string[];
    }
  | { type: 'failure'; device: string; id: string; label: string; message: string }
  | { type: 'thermal-wait'; device: string; tempC: number; limitC: number }
  /** One tile of an end-to-end pipeline run finished (`ms`: its own time; `elapsedMs`: since the photo started). */
  | { type: 'tile'; device: string; index: number; count: number; ms: number; elapsedMs: number }
  /** Something the run could not undo (a connection not closed, a lock file left behind). */
  | { type: 'warning'; device: string; text: string }
  | { type: 'done'; device: string; lut: string; ok: number; failed: number; ms: number };

export type ProgressListener = (event: ProgressEvent) => void;

/** How a measuring use case (bench blocks, bench compare) is driven: its journal, lock, store and listener. */
export interface MeasureRunOptions {
  /** Continue the run the journal holds. */
  resume?: boolean;
  /** Discard an unfinished run's journal and start over. */
  restart?: boolean;
  /** Take over the lock of another run on the same LUT even when it cannot be shown to be gone. */
  breakLock?: boolean;
  storeDir?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  env?: NodeJS.ProcessEnv;
}
