// Server-rendered parts of the Pareto report: device fingerprints and runtimes, the run's conditions
// once and the flags and failures of single entries (every flag folded under Flags), notes on what was
// left out, the stage x variant heatmap and the front table. Every string from data goes through escapeHtml.
import type { ParetoData, ReportDevice } from './data.js';
import { runWideLines } from '../flags.js';
import { escapeHtml as h } from './escape.js';
import { codeOf, flagNamesOf, fmtMillions, fmtMs, fmtNumber } from './format.js';

export function devicesSection(data: ParetoData): string {
  const rows = data.devices
    .map((d) => {
      const info = Object.entries(d.info)
        .map(([k, v]) => `${h(k)}: ${h(typeof v === 'string' ? v : JSON.stringify(v))}`)
        .join('<br>');
      const rt = d.runtime;
      const threads = rt.threads !== undefined ? `, ${h(rt.threads)} threads` : '';
      const runtime = `${h(rt.runner)} ${h(rt.version)}<br>ep ${h(rt.ep)}, ${h(rt.precision)}${threads}`;
      return (
        `<tr><td>${h(d.label)}</td><td><code>${h(d.fingerprint)}</code></td><td>${info}</td><td>${runtime}</td>` +
        `<td>${h(d.config)}</td><td>${h(d.harness)}<br>${h(d.updatedAt)}</td><td>${h(d.lut)}</td></tr>`
      );
    })
    .join('\n');
  const head =
    '<th>device</th><th>fingerprint</th><th>info</th><th>runtime</th><th>configuration</th>' +
    '<th>harness, updated</th><th>LUT</th>';
  const c = data.catalog;
  const catalogue =
    `<p>Catalogue <code>${h(c.name)}</code> (${h(c.hash.slice(0, 12))}), latent ${h(c.latent)}, ` +
    `width ${h(c.width)}, ${h(data.size)} candidates.</p>`;
  return `<section id="devices"><h2>Devices and runtimes</h2>
<table class="plain"><thead><tr>${head}</tr></thead>
<tbody>${rows}</tbody></table>
${catalogue}
${pipelineNote(data)}</section>`;
}

/** What the per-image seconds in the tooltips stand for, when the report has a pipeline. */
function pipelineNote(data: ParetoData): string {
  const d = data.devices.find((x) => x.pipeline);
  if (!d?.pipeline) return '';
  const what = `${h(d.pipeline.description)} with VAE <code>${h(d.pipeline.vae)}</code>`;
  const tile = 'params and MACs are the whole tile&#39;s (U-Net and VAE)';
  return `<p id="pipeline-note">Seconds per image (in each candidate&#39;s tooltip): ${what}; ${tile}.</p>`;
}

/** The flags of an entry or candidate a row shows on this device: the run-wide ones are told once. */
function rowFlagsOf(d: ReportDevice, flags: readonly string[]): string[] {
  return flags.filter((f) => d.rowFlags.includes(f));
}

function flagSpans(flags: readonly string[]): string {
  return flags.map((f) => `<span class="flag">${h(f)}</span>`).join(' ');
}

/** Entries that change what to do: failed or missing, or carrying a flag of their own. */
function entriesNeedingAttention(d: ReportDevice) {
  return d.blocks.filter((b) => rowFlagsOf(d, b.flags).length > 0 || b.status !== 'ok');
}

/** "outliers in 38 of 39 entries: this host is noisy (...)" per device, the same words as `bench lut show`. */
function runWideConditions(data: ParetoData): string[] {
  const named = data.devices.length > 1;
  return data.devices.flatMap((d) => runWideLines(d).map((line) => `${named ? `${h(d.label)}: ` : ''}${h(line)}`));
}

/**
 * A banner at the top: the run's conditions once, then the flags and failures that change what to do
 * with single entries, with counts. Honest numbers are visible; a flag every entry carries is not
 * repeated on every cell.
 */
export function flagBanner(data: ParetoData): string {
  const counts = new Map<string, number>();
  for (const d of data.devices) {
    for (const b of entriesNeedingAttention(d)) {
      for (const f of rowFlagsOf(d, b.flags)) counts.set(f, (counts.get(f) ?? 0) + 1);
      if (b.status !== 'ok') counts.set(b.status, (counts.get(b.status) ?? 0) + 1);
    }
  }
  const conditions = runWideConditions(data);
  if (counts.size === 0 && conditions.length === 0) {
    const anyFlag = data.devices.some((d) => d.blocks.some((b) => b.flags.length > 0));
    const what = anyFlag ? 'No entry carries a flag that changes what to do' : 'No entry carries a flag';
    const all = anyFlag ? ' (every flag is listed under <a href="#flags">Flags</a>)' : '';
    return `<p class="ok-banner" id="flag-banner">${what}; every block and part was measured${all}.</p>`;
  }
  const parts: string[] = [];
  if (conditions.length > 0) {
    const items = conditions.map((c) => `<span class="run-wide">${c}</span>`).join('; ');
    parts.push(`<strong>Run-wide:</strong> ${items}.`);
  }
  if (counts.size > 0) {
    const list = [...counts].map(([f, n]) => `<span class="flag">${h(f)}</span> ×${n}`).join(', ');
    parts.push(
      `<strong>Measurement flags:</strong> ${list}. Candidates that use these entries carry the flags ` +
        'in tooltips and in the front table; see <a href="#flags">Flags</a>.',
    );
  } else parts.push('No entry carries a flag of its own; see <a href="#flags">Flags</a>.');
  return `<p class="warn-banner" id="flag-banner">${parts.join(' ')}</p>`;
}

function entryRows(blocks: ReportDevice['blocks'], flagsOf: (flags: readonly string[]) => string[]): string {
  return blocks
    .map(
      (b) =>
        `<tr><td><code>${h(b.id)}</code></td><td>${h(b.status)}</td><td>${flagSpans(flagsOf(b.flags))}</td>` +
        `<td>${h(b.error ?? '')}</td></tr>`,
    )
    .join('\n');
}

const ENTRY_HEAD = '<thead><tr><th>entry</th><th>state</th><th>flags</th><th>error</th></tr></thead>';

/** Every flag of every flagged entry, folded: the data behind the banner, on demand. */
function allFlagsTable(d: ReportDevice): string {
  const flagged = d.blocks.filter((b) => b.flags.length > 0);
  if (flagged.length === 0) return '';
  const summary = `Every flag of every entry (${flagged.length} of ${d.blocks.length} entries carry flags)`;
  const table = `<table class="plain">${ENTRY_HEAD}<tbody>${entryRows(flagged, (f) => [...f])}</tbody></table>`;
  return `<details class="all-flags"><summary>${h(summary)}</summary>${table}</details>`;
}

export function flagsSection(data: ParetoData): string {
  const parts = data.devices.map((d) => {
    const rows = entryRows(entriesNeedingAttention(d), (f) => rowFlagsOf(d, f));
    const problems =
      d.problems.length > 0
        ? `<p class="warn">${h(d.problems.length)} entries keep candidates from a prediction: ${d.problems
            .slice(0, 8)
            .map((p) => `<code>${h(p)}</code>`)
            .join(', ')}${d.problems.length > 8 ? ', …' : ''}</p>`
        : '';
    const runWide =
      d.runWide.length > 0
        ? `<ul class="run-wide">${runWideLines(d)
            .map((line) => `<li>${h(line)}</li>`)
            .join('')}</ul>`
        : '';
    const body =
      rows.length > 0
        ? `<table class="plain">${ENTRY_HEAD}<tbody>${rows}</tbody></table>`
        : '<p>No entry failed or carries a flag of its own.</p>';
    const predicted = `<p>${h(d.predicted)} of ${h(data.size)} candidates predicted.</p>`;
    return `<h3>${h(d.label)}</h3>${predicted}${problems}${runWide}${body}${allFlagsTable(d)}`;
  });
  return `<section id="flags"><h2>Flags</h2>${parts.join('\n')}</section>`;
}

export function notesSection(data: ParetoData): string {
  const notes: string[] = [];
  const ex = data.excluded;
  if (ex.noLatency > 0)
    notes.push(
      `${ex.noLatency} candidates have no latency prediction on ${h(data.devices[0]!.label)} ` +
        'and are not on any chart or front.',
    );
  if (ex.overLatency > 0)
    notes.push(`${ex.overLatency} candidates exceed --max-latency ${h(data.constraints.maxLatencyMs)} ms.`);
  if (ex.overParams > 0)
    notes.push(`${ex.overParams} candidates exceed --max-params ${h(data.constraints.maxParams)}.`);
  const q = data.quality;
  if (q && q.missing.count > 0) {
    const use = data.objectives.includes('quality')
      ? ` and ${h(ex.noQuality)} of them are left out of the quality objective`
      : '';
    notes.push(
      `Quality file ${h(q.file)}: ${h(q.missing.count)} of ${h(data.size)} candidates have no ` +
        `${h(q.metric)} score (none is invented)${use}, ` +
        `e.g. ${q.missing.first.map((c) => `<code>${h(c)}</code>`).join(', ')}.`,
    );
  }
  const hv = data.hypervolume;
  const hvText = hv
    ? `Hypervolume ${fmtNumber(hv.value, 5)} (objectives normalised to [0, 1] over the ` +
      `${h(data.eligible)} eligible candidates, reference point 1.1 in each).`
    : 'No hypervolume (more than three objectives or an empty front).';
  const objectives = data.objectives
    .map(
      (o, i) =>
        `${h(o === 'quality' && q ? q.metric : o)} (${data.directions[i] === 'max' ? 'maximised' : 'minimised'})`,
    )
    .join(', ');
  const front = `Front: ${h(data.front.length)} of ${h(data.eligible)} eligible candidates.`;
  const method =
    "Predicted latency is the sum of the six stage variants' block medians and the fixed parts' medians; " +
    "intervals combine the entries' 95% half-widths in quadrature.";
  return `<section id="summary"><h2>Search</h2><p>Objectives: ${objectives}. ${front} ${hvText}</p>
<p>${method}</p>
${notes.length > 0 ? `<ul class="notes">${notes.map((n) => `<li>${n}</li>`).join('')}</ul>` : ''}</section>`;
}

function heatColour(v: number, lo: number, hi: number): string {
  const t = hi > lo ? (v - lo) / (hi - lo) : 0;
  return `hsl(${Math.round(120 - 120 * t)}, 70%, ${Math.round(82 - 12 * t)}%)`;
}

export function heatmapSection(data: ParetoData): string {
  const width = Math.max(...data.stages.map((s) => s.variants.length));
  const tables = data.devices.map((d) => {
    const ok = d.blocks.filter((b) => b.kind === 'block' && b.median !== null).map((b) => b.median!);
    const lo = Math.min(...ok);
    const hi = Math.max(...ok);
    const rows = data.stages.map((s) => {
      const cells = s.variants.map((v) => {
        const b = d.blocks.find((x) => x.kind === 'block' && x.stage === s.name && x.variant === v);
        if (!b || b.median === null) {
          const status = h(b?.status ?? 'missing');
          return `<td class="missing" title="${status}">${h(v)}<br>${status}</td>`;
        }
        const shown = rowFlagsOf(d, b.flags);
        const flags = shown.length > 0 ? `<br><span class="flag">${shown.map(h).join(' ')}</span>` : '';
        const cell = `${h(v)}<br><strong>${fmtMs(b.median)}</strong> ms${flags}`;
        return `<td style="background:${heatColour(b.median, lo, hi)}" data-ms="${b.median}">${cell}</td>`;
      });
      for (let i = s.variants.length; i < width; i++) cells.push('<td class="empty"></td>');
      return `<tr><th>${h(s.name)}</th>${cells.join('')}</tr>`;
    });
    const parts = d.blocks
      .filter((b) => b.kind === 'part')
      .map((b) => {
        const shown = rowFlagsOf(d, b.flags);
        const flags = shown.length > 0 ? ` <span class="flag">${shown.map(h).join(' ')}</span>` : '';
        return `${h(b.stage)} ${b.median === null ? h(b.status) : `${fmtMs(b.median)} ms`}${flags}`;
      })
      .join('; ');
    const head = Array.from({ length: width }, (_, i) => `<th>${i}</th>`).join('');
    const table =
      `<table class="heatmap"><thead><tr><th>stage</th>${head}</tr></thead>` +
      `<tbody>${rows.join('\n')}</tbody></table>`;
    return `<h3>${h(d.label)}</h3>${table}<p>Fixed parts: ${parts || 'none'}</p>`;
  });
  return `<section id="heatmap"><h2>Block latency by stage and variant (median, ms)</h2>${tables.join('\n')}</section>`;
}

export function frontTableSection(data: ParetoData): string {
  const others = data.devices.slice(1);
  const q = data.quality;
  const head = [
    ['rank', 'num'],
    ['candidate', 'num'],
    ['code', 'text'],
    [`latency ${data.devices[0]!.label} (ms)`, 'num'],
    ['95% interval', 'num'],
    ...others.map((d) => [`latency ${d.label} (ms)`, 'num']),
    ['params (M)', 'num'],
    ['MACs (G)', 'num'],
    ...(q ? [[q.metric, 'num']] : []),
    ['flags', 'text'],
  ] as [string, string][];
  const rows = data.front.map((n, rank) => {
    const { code, indices } = codeOf(data.stages, n);
    const d0 = data.devices[0]!;
    // Each device's own run-wide conditions are told in the banner; the row keeps the rest.
    const flags = [
      ...new Set(data.devices.flatMap((d) => rowFlagsOf(d, flagNamesOf(d.flagBits[n] ?? 0, data.flagNames)))),
    ];
    const cells = [
      [rank + 1, String(rank + 1)],
      [n, `${n} <small>${h(indices)}</small>`],
      [code, `<code>${h(code)}</code>`],
      [d0.latency[n], fmtMs(d0.latency[n])],
      [
        d0.hi[n] !== null && d0.lo[n] !== null ? d0.hi[n]! - d0.lo[n]! : null,
        `${fmtMs(d0.lo[n])} – ${fmtMs(d0.hi[n])}`,
      ],
      ...others.map((d) => [d.latency[n], fmtMs(d.latency[n])]),
      [data.params[n]!, fmtMillions(data.params[n]!)],
      [data.gmacs[n]!, fmtNumber(data.gmacs[n], 4)],
      ...(q ? [[q.values[n] ?? null, fmtNumber(q.values[n], 5)]] : []),
      [flags.join(' '), flagSpans(flags)],
    ] as [unknown, string][];
    const tds = cells.map(([v, text]) => `<td data-sort="${h(v ?? '')}">${text}</td>`).join('');
    return `<tr data-number="${n}">${tds}</tr>`;
  });
  const ths = head.map(([t, type], i) => `<th data-col="${i}" data-type="${type}">${h(t)}</th>`).join('');
  return `<section id="front"><h2>Front (${h(data.front.length)} candidates, ${h(data.devices[0]!.label)})</h2>
<p>Click a column header to sort.</p>
<table id="front-table" class="sortable"><thead><tr>${ths}</tr></thead>
<tbody>${rows.join('\n')}</tbody></table></section>`;
}

export function transferSection(data: ParetoData): string {
  if (data.transfer.length === 0) return '';
  const rows = data.transfer
    .map(
      (t) =>
        `<tr><td>${h(t.from)} → ${h(t.to)}</td><td>${h(t.n)}</td><td>${fmtNumber(t.spearman, 4)}</td>` +
        `<td>${fmtNumber(t.kendallTauB, 4)}</td><td>${h(t.kept)} of ${h(t.frontSize)}</td></tr>`,
    )
    .join('');
  const head = '<th>devices</th><th>candidates</th><th>Spearman ρ</th><th>Kendall τ-b</th><th>front kept</th>';
  return `<table class="plain" id="transfer-table"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

export function calibrationSection(data: ParetoData): string {
  const parts = data.devices
    .filter((d) => d.calibration)
    .map((d) => {
      const c = d.calibration!;
      const rows = c.points
        .map(
          (p) =>
            `<tr><td><code>${h(p.code)}</code></td><td>${fmtMs(p.measured)}</td><td>${fmtMs(p.predicted)}</td>` +
            `<td>${fmtNumber(p.ratio, 4)}</td><td>${flagSpans(rowFlagsOf(d, p.flags))}</td></tr>`,
        )
        .join('');
      const skipped =
        c.skipped.length > 0
          ? `<p class="warn">${c.skipped.length} candidate entries not compared: ${c.skipped
              .slice(0, 5)
              .map((s) => `${h(s.arch)} (${h(s.reason)})`)
              .join('; ')}</p>`
          : '';
      const summary = c.summary
        ? `<p>Measured / predicted: median ${fmtNumber(c.summary.median, 4)}, ` +
          `geometric mean ${fmtNumber(c.summary.geomean, 4)} over ${c.summary.n} candidates.</p>`
        : '';
      const head = '<th>candidate</th><th>measured ms</th><th>predicted ms</th><th>ratio</th><th>flags</th>';
      const table = `<table class="plain"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
      return `<h3>${h(d.label)}</h3>${summary}${table}${skipped}`;
    });
  return parts.length > 0
    ? `<section id="calibration"><h2>Calibration against candidates measured end to end</h2>${parts.join('')}</section>`
    : '';
}
