// Markdown summary for a pull-request comment or $GITHUB_STEP_SUMMARY: a header with the counts
// and the suite geometric mean, the entries that need attention worst first, the full table folded
// in <details>, and the entries present in only one table. GitHub-flavoured Markdown.
import {
  directional,
  formatChange,
  formatInterval,
  formatMs,
  formatP,
  formatPercent,
  formatRatio,
  formatRoundNoise,
} from '../../compare/format.js';
import type { EntryComparison, OneSidedEntry, RegressionResult, Verdict } from '../../compare/types.js';
import { terminalSafe } from '../../terminal-text.js';
import { runWideLines, summariseFlags } from '../flags.js';

export interface MarkdownOptions {
  /** Rows in the folded full table; the rest are counted and left to the JSON report. */
  maxDetailRows?: number;
}

const icon: Record<Verdict, string> = { regressed: '❌', inconclusive: '⚠️', improved: '✅', unchanged: '➖' };
const rank: Record<Verdict, number> = { regressed: 0, inconclusive: 1, improved: 2, unchanged: 3 };

/** Regressed first, then inconclusive, improved, unchanged; within a verdict the largest ratio first. */
export function worstFirst(entries: readonly EntryComparison[]): EntryComparison[] {
  return entries
    .map((e, i) => ({ e, i }))
    .sort(
      (a, b) =>
        rank[a.e.verdict] - rank[b.e.verdict] || (b.e.ratio ?? -Infinity) - (a.e.ratio ?? -Infinity) || a.i - b.i,
    )
    .map((x) => x.e);
}

// The summary is printed on the terminal as well as posted: control characters in data (labels, error
// messages, file names) are shown as visible escapes, never passed on.

/** Text safe inside a table cell: no pipes, no line breaks, no raw HTML, no control characters. */
export function cell(text: string): string {
  // A line break in a message reads as a space in a table cell; every other control is escaped.
  return terminalSafe(text.replace(/\r?\n/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|');
}

/** An inline code span that survives backticks and pipes in the text. */
export function code(raw: string): string {
  const text = terminalSafe(raw.replace(/\r?\n/g, ' '));
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|')}${pad}${fence}`;
}

function title(r: RegressionResult): string {
  const c = r.counts;
  const suite = r.suite?.separated ? r.suite : null;
  if (c.regressed > 0)
    return `${icon.regressed} Latency: ${c.regressed} ${c.regressed === 1 ? 'entry' : 'entries'} regressed`;
  if (suite?.verdict === 'regressed')
    return `${icon.regressed} Latency: the whole suite regressed (${formatChange(suite.ratio)})`;
  if (c.inconclusive > 0) return `${icon.inconclusive} Latency: no regression found, ${c.inconclusive} inconclusive`;
  if (suite?.verdict === 'inconclusive') {
    return (
      `${icon.inconclusive} Latency: no entry moved against the suite; the whole suite ` +
      `moved ${formatChange(suite.ratio)}, which this machine could do between runs`
    );
  }
  if (c.compared === 0) return `${icon.inconclusive} Latency: nothing to compare`;
  return `${icon.improved} Latency: no regression`;
}

function header(r: RegressionResult): string[] {
  const c = r.counts;
  const lines = [
    `## ${title(r)}`,
    '',
    '| Regressed | Inconclusive | Improved | Unchanged | Only in baseline | Only in current |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${c.regressed} | ${c.inconclusive} | ${c.improved} ` +
      `| ${c.unchanged} | ${c.onlyInBaseline} | ${c.onlyInCurrent} |`,
    '',
  ];
  if (r.geomean) {
    const g = r.geomean;
    lines.push(
      `**Suite geometric mean** of current/baseline over ${g.entries} ${g.entries === 1 ? 'entry' : 'entries'}: ` +
        `**${formatRatio(g.value)}×** (${formatChange(g.value)}), 95% CI ${formatInterval(g.ci95)}`,
      '',
    );
  }
  lines.push(methodLine(r), '');
  if (r.suite) lines.push(`**Whole suite**: ${cell(r.suite.summary)}.`, '');
  for (const m of r.mismatches) {
    lines.push(
      r.mode === 'paired'
        ? `> The sides differ in ${m.field}: ${code(m.baseline)} vs ${code(m.current)}.`
        : `> ⚠️ The tables differ in ${m.field}: ${code(m.baseline)} ` +
            `vs ${code(m.current)} (compared anyway with --allow-mismatch).`,
      '',
    );
  }
  const conditions = runWideLines(
    summariseFlags(r.entries.map((e) => ({ flags: [...new Set([...e.baseline.flags, ...e.current.flags])] }))),
  );
  if (conditions.length > 0) lines.push(`Run-wide: ${conditions.map(cell).join('; ')}.`, '');
  for (const n of r.notes) lines.push(`> ${cell(n)}`, '');
  return lines;
}

function methodLine(r: RegressionResult): string {
  const o = r.options;
  const rt = (t: RegressionResult['current']) =>
    `${t.runner} ${t.runtimeVersion} ${t.ep} ${t.precision}${t.threads !== null ? `, ${t.threads} threads` : ''}`;
  const sides =
    `Baseline ${code(r.baseline.label)} (${cell(rt(r.baseline))}) ` +
    `· current ${code(r.current.label)} (${cell(rt(r.current))}) · ` +
    `device ${code(r.current.profile)} · threshold ±${formatPercent(o.threshold)} · α = ${o.alpha} `;
  if (r.mode === 'paired') {
    const rounds = Math.max(0, ...r.entries.map((e) => e.paired?.rounds ?? 0));
    return (
      `${sides}· both sides measured in one session, ${rounds} ` +
      `rounds interleaved: per round the ratio of the two sides' ` +
      `round medians, 95% t-interval and one-sided paired t test over those ratios (Benjamini-Hochberg across entries)`
    );
  }
  return (
    `${sides}(one-sided Mann-Whitney U, Benjamini-Hochberg) · 95% ` +
    `bootstrap intervals (${o.resamples} resamples, seed ${o.seed}) ` +
    `widened by the drift between rounds: baseline ${formatRoundNoise(r.baseline.roundNoise)}, ` +
    `current ${formatRoundNoise(r.current.roundNoise)}`
  );
}

function attentionTable(rows: EntryComparison[]): string[] {
  const out = [
    '| | Entry | Baseline ms | Current ms | Ratio | 95% CI | p | q | Verdict | Why |',
    '|---|---|---:|---:|---:|---|---:|---:|---|---|',
  ];
  for (const e of rows) {
    const d = directional(e);
    const ratio = e.ratio === null ? '–' : `${formatRatio(e.ratio)} (${formatChange(e.ratio)})`;
    out.push(
      `| ${icon[e.verdict]} | ${code(e.id)} | ${formatMs(e.baseline.median)} | ${formatMs(e.current.median)} | ` +
        `${ratio} | ${formatInterval(e.ci95)} | ${formatP(d.p)} | ${formatP(d.q)} | ` +
        `${e.verdict} | ${cell(e.reasons.join('; '))} |`,
    );
  }
  return out;
}

function fullTable(rows: EntryComparison[], max: number): string[] {
  const out = [
    '| Entry | Baseline ms (n) | Current ms (n) | Ratio | 95% CI | p (two-sided) | Verdict |',
    '|---|---:|---:|---:|---|---:|---|',
  ];
  for (const e of rows.slice(0, max)) {
    out.push(
      `| ${code(e.id)} | ${formatMs(e.baseline.median)} (${e.baseline.n}) ` +
        `| ${formatMs(e.current.median)} (${e.current.n}) | ` +
        `${formatRatio(e.ratio)} | ${formatInterval(e.ci95)} ` +
        `| ${formatP(e.pTwoSided)} | ${icon[e.verdict]} ${e.verdict} |`,
    );
  }
  if (rows.length > max) out.push('', `…and ${rows.length - max} more entries in regression.json.`);
  return out;
}

function oneSidedList(heading: string, entries: OneSidedEntry[]): string[] {
  if (entries.length === 0) return [];
  return [
    `### ${heading} (${entries.length})`,
    '',
    ...entries.map(
      (e) => `- ${code(e.id)}: ${e.state}${e.median !== null ? `, median ${formatMs(e.median)} ms (n = ${e.n})` : ''}`,
    ),
    '',
  ];
}

export function renderMarkdown(r: RegressionResult, options: MarkdownOptions = {}): string {
  const sorted = worstFirst(r.entries);
  const attention = sorted.filter((e) => e.verdict !== 'unchanged');
  const lines = header(r);
  if (attention.length > 0) {
    lines.push(
      '### Entries that need attention (worst first)',
      '',
      ...attentionTable(attention),
      '',
      r.mode === 'paired'
        ? '<sub>Ratio: geometric mean of the paired round ratios. p: one-sided paired ' +
            't test in the direction of the change; q: p after Benjamini-Hochberg.</sub>'
        : '<sub>Ratio: current/baseline median. p: one-sided Mann-Whitney U in ' +
            'the direction of the change; q: p after Benjamini-Hochberg.</sub>',
      '',
    );
  }
  if (r.counts.inconclusive > 0) {
    lines.push(
      `Inconclusive entries could not be decided either way: re-run them ` +
        `with more samples (or on a cooler, idle device) and compare again.`,
      '',
    );
  }
  if (sorted.length > 0) {
    lines.push(
      `<details><summary>All ${sorted.length} compared entries</summary>`,
      '',
      ...fullTable(sorted, options.maxDetailRows ?? 500),
      '',
      '</details>',
      '',
    );
  }
  lines.push(
    ...oneSidedList('Only in the baseline', r.onlyInBaseline),
    ...oneSidedList('Only in the current table', r.onlyInCurrent),
  );
  return `${lines.join('\n').trimEnd()}\n`;
}
