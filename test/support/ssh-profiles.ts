// Device profiles for the SSH test beds: the real sshd of test/support/sshd.ts as the transport, a
// runner with its options, written to a temporary profiles folder for `bench --profiles`.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { TestSshd } from './sshd.js';

export interface ProfileSpec {
  runner: { name: string; options: Record<string, unknown> };
  workDir: string;
  /** Overrides of the ssh transport block (user, key, hostKey ...). */
  transport?: Record<string, unknown>;
  /** Any other profile keys (measure, threads, thermal ...). */
  more?: Record<string, unknown>;
}

export function writeSshProfile(profilesDir: string, name: string, sshd: TestSshd, spec: ProfileSpec): string {
  mkdirSync(profilesDir, { recursive: true });
  const file = join(profilesDir, `${name}.json`);
  const profile = {
    name,
    transport: { ...sshd.transportSpec, ...spec.transport },
    workDir: spec.workDir,
    runner: spec.runner,
    ...spec.more,
  };
  writeFileSync(file, `${JSON.stringify(profile, null, 2)}\n`);
  return file;
}

/**
 * Files named exactly PWNED, PWNED2, ...: what `touch PWNED` in an argument would leave in the folder
 * a command ran in. Searched through all of `testDir` (work folders, runtime folders) and at the top
 * of the SSH user's home and of this process's folder, where remote and local commands start.
 */
export function pwnedFiles(testDir: string): string[] {
  const pwned = (n: string) => /^PWNED\d?$/.test(n.split('/').pop() ?? '');
  return [
    ...readdirSync(testDir, { recursive: true, encoding: 'utf8' }).filter(pwned),
    ...[homedir(), process.cwd()].flatMap((d) =>
      readdirSync(d)
        .filter(pwned)
        .map((n) => join(d, n)),
    ),
  ];
}
