// The readable table `bench lut show` and `bench blocks` print: entries grouped by stage, one row per
// variant with median latency, its margin, sample count, parameters, MACs, peak memory when the runner
// reported it, and the flags that change what to do with it; conditions most entries share are told
// once under the header (report/flags.ts). The LUT keeps every flag.
import { entryLabel } from '../../lut/key.js';
import type { Lut, LutEntry } from '../../lut/schema.js';
import { runWideLines, summariseFlags } from '../flags.js';
import { terminalSafe } from '../../terminal-text.js';

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

function ms(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  return v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(2) : v.toFixed(3);
}

function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? '-' : (bytes / 2 ** 20).toFixed(0);
}

/** The row name: variant for blocks, part name, the code for candidates, unit and variant for pipeline entries. */
function rowName(e: LutEntry, teacher?: (stage: string, variant: string) => boolean): string {
  const k = e.key;
  if (k.kind === 'block') return `${k.variant}${teacher?.(k.stage ?? '', k.variant ?? '') ? ' *' : ''}`;
  if (k.kind === 'part') return `${k.stage}`;
  if (k.kind === 'pipeline' && k.stage !== undefined) return entryLabel(k);
  return `${k.arch}`;
}

export function renderLutTable(
  lut: Lut,
  options: { teacher?: (stage: string, variant: string) => boolean } = {},
): string {
  const header = [
    `device  ${lut.device.profile}: ${String(lut.device.info['model'] ?? '')} ` +
      `/ ${String(lut.device.info['soc'] ?? '')} (fingerprint ${lut.device.fingerprint})`,
    `runtime ${lut.runtime.runner} ${lut.runtime.version}, ` +
      `ep ${lut.runtime.ep}, ${lut.runtime.precision}${lut.runtime.threads ? `, ${lut.runtime.threads} threads` : ''}`,
    `catalog ${lut.catalog.name}; ${lut.entries.length} entries, updated ${lut.updatedAt}`,
  ].map(terminalSafe); // every string in a LUT is data: none may steer the terminal
  const flagSummary = summariseFlags(lut.entries.filter((e) => e.state === 'ok'));
  for (const line of runWideLines(flagSummary)) header.push(terminalSafe(`run     ${line}`));
  // Peak memory is shown when the runner reported it for some entry (older tables have none).
  const memory = lut.entries.some((e) => e.peakMemoryBytes !== undefined);
  const columns = ['', 'median ms', '±95%', 'n', 'rounds', 'params', 'MACs', ...(memory ? ['peak MB'] : []), 'flags'];
  const rows: string[][] = [];
  const groups = new Map<string, LutEntry[]>();
  for (const e of lut.entries) {
    const g = e.key.kind === 'block' ? `${e.key.stage}` : e.key.kind === 'part' ? 'parts' : `${e.key.kind}s`;
    groups.set(g, [...(groups.get(g) ?? []), e]);
  }
  const sections: { title: string; rows: string[][] }[] = [];
  for (const [group, entries] of groups) {
    const first = entries[0]!.key;
    const title = terminalSafe(`${group}  (latent ${first.latent}, width ${first.width}, ${first.precision})`);
    const r = entries
      .map((e) => {
        const name = rowName(e, options.teacher);
        const mem = memory ? [megabytes(e.peakMemoryBytes)] : [];
        if (e.state !== 'ok') {
          const counts = [String(e.rounds), formatCount(e.model.params), formatCount(e.model.macs)];
          return [`  ${name}`, e.state.toUpperCase(), '', '', ...counts, ...mem, e.error.message];
        }
        return [
          `  ${name}`,
          ms(e.stats.median),
          Number.isFinite(e.stats.rme) ? `${(e.stats.rme * 100).toFixed(2)}%` : '-',
          String(e.stats.n),
          String(e.rounds),
          formatCount(e.model.params),
          formatCount(e.model.macs),
          ...mem,
          flagSummary.perRow(e.flags).join(', '),
        ];
      })
      .map((cells) => cells.map(terminalSafe));
    sections.push({ title, rows: r });
    rows.push(...r);
  }
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [...header, ''];
  out.push(line(columns));
  for (const s of sections) {
    out.push(s.title);
    for (const r of s.rows) out.push(line(r));
  }
  const failed = lut.entries.filter((e) => e.state !== 'ok').length;
  const flagged = lut.entries.filter((e) => flagSummary.perRow(e.flags).length > 0).length;
  out.push('');
  out.push(
    `${lut.entries.length - failed} ok, ${failed} ` +
      `failed${flagged ? `, ${flagged} flagged` : ''}${options.teacher ? '; * = teacher variant' : ''}`,
  );
  return `${out.join('\n')}\n`;
}
