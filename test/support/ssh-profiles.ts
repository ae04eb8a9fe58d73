// Device profiles for the SSH test beds: the real sshd of test/support/sshd.ts as the transport, a
// runner with its options, written to a temporary profiles folder for `bench --profiles`.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
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

/** Files named exactly PWNED, PWNED2, ... under `dirs`: what `touch PWNED` in an argument would leave. */
export function pwnedFiles(...dirs: string[]): string[] {
  return dirs.flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => /^PWNED\d?$/.test(n.split('/').pop() ?? '')));
}
