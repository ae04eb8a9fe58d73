// `--resume`: what an earlier, interrupted run already measured. Entries already in the LUT with the
// same model and settings are kept as they are; rounds in the journal are restored so the protocol
// continues where it stopped. Runs on another device, runtime or settings are refused.
import { canonicalJson } from '../catalog/load.js';
import { UsageError } from '../errors.js';
import { lutFileText, parseLut } from '../lut/io.js';
import type { Lut, LutEntry } from '../lut/schema.js';
import type { Journal } from '../measure/journal.js';
import type { EntryState, PlannedEntry } from '../measure/protocol.js';

export function restoreFromJournal(
  journal: Journal,
  identity: Record<string, unknown>,
  planned: PlannedEntry[],
): Map<string, EntryState> {
  const restored = new Map<string, EntryState>();
  const lines = journal.read();
  if (lines.length === 0) return restored;
  const header = lines[0];
  if (header?.type !== 'header' || canonicalJson(header.identity) !== canonicalJson(identity)) {
    const was = header?.type === 'header' ? header.identity : {};
    const keys = [...new Set([...Object.keys(was), ...Object.keys(identity)])];
    const differ = keys.filter((k) => canonicalJson(was[k] ?? null) !== canonicalJson(identity[k] ?? null));
    throw new UsageError(`${journal.file} comes from another run (${differ.join(', ')} differ from this one's)`, {
      hint: 'run the command of that run with --resume to complete it, or add --restart to discard it',
    });
  }
  const models = new Map(planned.map((e) => [e.id, e.model.sha256]));
  for (const line of lines.slice(1)) {
    if (line.type === 'header' || models.get(line.id) !== line.modelSha256) continue;
    const s = restored.get(line.id) ?? { rounds: [] };
    if (line.type === 'round') {
      if (!s.rounds.some((r) => r.round === line.round)) s.rounds.push(line);
    } else if (line.permanent) {
      s.failure = line;
    }
    restored.set(line.id, s);
  }
  return restored;
}

function existingLut(lutFile: string) {
  const text = lutFileText(lutFile);
  return text === undefined ? undefined : parseLut(text, lutFile);
}

function sameRun(lut: NonNullable<ReturnType<typeof existingLut>>, identity: Record<string, unknown>): boolean {
  return (
    lut.device.fingerprint === identity['fingerprint'] &&
    lut.runtime.runner === identity['runner'] &&
    lut.runtime.version === identity['runtime'] &&
    lut.runtime.ep === identity['ep'] &&
    canonicalJson(lut.runtime.options) === canonicalJson(identity['options']) &&
    lut.runtime.precision === identity['precision'] &&
    lut.catalog.hash === identity['catalog'] &&
    canonicalJson(lut.protocol['identity']) === canonicalJson(identity['sampling'])
  );
}

/** The LUT at `lutFile` when it holds a run with this identity. */
function sameRunLut(lutFile: string, identity: Record<string, unknown>): Lut | undefined {
  const lut = existingLut(lutFile);
  return lut && sameRun(lut, identity) ? lut : undefined;
}

/** Entries of an existing LUT that need no new measurement. */
export function reusableEntries(
  lutFile: string,
  identity: Record<string, unknown>,
  planned: PlannedEntry[],
): LutEntry[] {
  const lut = sameRunLut(lutFile, identity);
  if (!lut) return [];
  const models = new Map(planned.map((e) => [e.id, e.model.sha256]));
  return lut.entries.filter((e) => e.state === 'ok' && models.get(e.id) === e.model.sha256);
}

/** Entries of the existing LUT outside this plan (kept when candidates are added to a block table). */
export function otherEntries(lutFile: string, identity: Record<string, unknown>, planned: PlannedEntry[]): LutEntry[] {
  const lut = existingLut(lutFile);
  if (!lut) return [];
  if (!sameRun(lut, identity)) {
    throw new UsageError(`${lutFile} was measured on another device, runtime or with other settings`, {
      hint: 'give --out a new file for these candidates',
    });
  }
  return outsidePlan(lut.entries, planned);
}

/**
 * Entries of an existing LUT of the same run (device, runtime, settings) that this plan does not
 * touch, at the plan's latent size and width: a narrower run (`--stages E1`) into a full table
 * updates those entries and keeps the rest instead of dropping them. A table of another run is
 * replaced as a whole, as before.
 */
export function untouchedEntries(
  lutFile: string,
  identity: Record<string, unknown>,
  planned: PlannedEntry[],
): LutEntry[] {
  const lut = sameRunLut(lutFile, identity);
  if (!lut) return [];
  return outsidePlan(lut.entries, planned).filter(
    (e) => e.key.latent === identity['latent'] && e.key.width === identity['width'],
  );
}

function outsidePlan(entries: LutEntry[], planned: PlannedEntry[]): LutEntry[] {
  const ids = new Set(planned.map((e) => e.id));
  return entries.filter((e) => !ids.has(e.id));
}
