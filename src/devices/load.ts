// Loading device profiles: device-profiles/<name>.json in the package, plus folders named by
// --profiles or NANOSD_BENCH_PROFILES (path-list), which come first so a user's profile can shadow a
// built-in one. Errors name the file and the key.
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { InvalidFileError, UnknownNameError } from '../errors.js';
import { loadJsonFile } from '../json-file.js';
import { profilesDir } from '../paths.js';
import { profileSchema, type DeviceProfile } from './schema.js';

export function profileDirs(extra: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = (env['NANOSD_BENCH_PROFILES'] ?? '').split(delimiter).filter((d) => d.length > 0);
  return [...extra, ...fromEnv].map((d) => resolve(d)).concat(profilesDir());
}

/** Every profile name, first folder wins. */
export function listProfileNames(dirs: readonly string[]): string[] {
  const names = new Set<string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.json') && !f.startsWith('.')) names.add(f.slice(0, -5));
  }
  return [...names];
}

export function loadProfile(name: string, dirs: readonly string[]): DeviceProfile {
  for (const dir of dirs) {
    const file = join(dir, `${name}.json`);
    if (existsSync(file)) return loadProfileFile(file);
  }
  throw new UnknownNameError('device', name, listProfileNames(dirs), `profile folders ${dirs.join(', ')}`);
}

/** Caps that contradict each other would be lifted silently by the protocol; refuse them instead. */
function checkMeasureRanges(profile: Omit<DeviceProfile, 'file'>, file: string): void {
  const m = profile.measure;
  if (!m) return;
  const pairs = [
    ['minSamples', 'maxSamples'],
    ['rounds', 'maxRounds'],
  ] as const;
  for (const [low, high] of pairs) {
    const [a, b] = [m[low], m[high]];
    if (a !== undefined && b !== undefined && a > b) {
      throw new InvalidFileError(file, `measure.${high}`, `${b} is below measure.${low} (${a})`);
    }
  }
}

export function loadProfileFile(file: string): DeviceProfile {
  const profile = loadJsonFile(profileSchema, file);
  const base = file.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  if (profile.name !== base)
    throw new InvalidFileError(file, 'name', `'${profile.name}' must match the file name '${base}'`);
  checkMeasureRanges(profile, file);
  return { ...profile, file };
}
