#!/usr/bin/env node
// `npm test`: make sure the system programs the integration tests drive are installed (Debian's adb,
// OpenSSH's sshd, Chromium), then run the whole suite. Servers (adb, sshd) are started and stopped by
// the tests themselves on free ports.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const deps = spawnSync('bash', [join(root, 'scripts', 'ensure-system-deps.sh')], { stdio: 'inherit' });
if (deps.status !== 0) process.exit(deps.status ?? 1);
const vitest = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    cwd: root,
  },
);
process.exit(vitest.status ?? 1);
