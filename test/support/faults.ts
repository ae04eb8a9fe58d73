// The fault-injection suite's ledger. Every fault test records what it injected and what it found
// (entries lost, files written outside the work folders); the suite's global teardown adds the
// lines up and prints `faults: N injected, L entries lost, F files outside the work folders`.
// Workers are separate processes, so the ledger is an append-only JSONL file in the run's temp root.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FaultRecord {
  /** What was injected, e.g. 'disk-full:lut', 'sigkill+resume', 'hostile-bundle:external-data'. */
  fault: string;
  entriesLost: number;
  filesOutside: number;
}

export const faultLogName = 'fault-ledger.jsonl';

/** Where the ledger of this run lives (set by test/support/global-temp.ts). */
export function faultLogPath(): string | undefined {
  return process.env['NSB_FAULT_LOG'];
}

/** Record one injected fault and what it cost. Call it after the assertions that prove the outcome. */
export function recordFault(fault: string, outcome: { entriesLost?: number; filesOutside?: number } = {}): void {
  const file = faultLogPath();
  if (file === undefined) return;
  const record: FaultRecord = { fault, entriesLost: outcome.entriesLost ?? 0, filesOutside: outcome.filesOutside ?? 0 };
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

export function summariseFaults(lines: string): string {
  let injected = 0;
  let lost = 0;
  let outside = 0;
  for (const line of lines.split('\n')) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as FaultRecord;
    injected += 1;
    lost += record.entriesLost;
    outside += record.filesOutside;
  }
  return `faults: ${injected} injected, ${lost} entries lost, ${outside} files outside the work folders`;
}

export function faultLogIn(root: string): string {
  return join(root, faultLogName);
}
