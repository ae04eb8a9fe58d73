// Every temporary folder the suite makes (stores of generated models, LUTs, fake phones' sandboxes,
// sshd keys) goes under one folder per run, removed when the run ends, so a run leaves nothing
// behind in /tmp however a test ends. os.tmpdir() reads TMPDIR on each call, and the test workers
// are started after this setup, so they inherit it. The fault suite's ledger lives there too and is
// summarised when the run ends.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faultLogIn, summariseFaults } from './faults.js';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'nsb-test-'));
  const previous = process.env['TMPDIR'];
  process.env['TMPDIR'] = root;
  const ledger = faultLogIn(root);
  process.env['NSB_FAULT_LOG'] = ledger;
  return () => {
    if (existsSync(ledger)) console.log(summariseFaults(readFileSync(ledger, 'utf8')));
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    delete process.env['NSB_FAULT_LOG'];
    rmSync(root, { recursive: true, force: true });
  };
}
