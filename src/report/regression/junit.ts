// JUnit XML for CI dashboards (the common Ant/Jenkins/Surefire shape): one <testcase> per entry,
// <failure> for a regression, <skipped> for inconclusive entries and entries present in only one
// table. Counts on <testsuites> and <testsuite> follow the children; times are 0 because a test
// case here is a comparison, not a timed run.
import {
  directional,
  formatChange,
  formatInterval,
  formatMs,
  formatP,
  formatPercent,
  formatRatio,
} from '../../compare/format.js';
import type { EntryComparison, OneSidedEntry, RegressionResult } from '../../compare/types.js';

export interface JunitOptions {
  /** ISO timestamp for <testsuite timestamp>. */
  createdAt?: string;
}

// Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF).
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(text: string): string {
  return text.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(text: string): string {
  return xmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

function classname(kind: string): string {
  return `nanosd-bench.regression.${kind}`;
}

function describe(e: EntryComparison): string {
  const d = directional(e);
  return (
    `baseline median ${formatMs(e.baseline.median)} ms (n = ${e.baseline.n}), ` +
    `current ${formatMs(e.current.median)} ms (n = ${e.current.n}); ` +
    `ratio ${formatRatio(e.ratio)} (${formatChange(e.ratio)}), 95% CI ${formatInterval(e.ci95)}; ` +
    `p(${d.direction}) ${formatP(d.p)}, q ${formatP(d.q)}`
  );
}

function comparedCase(e: EntryComparison): string {
  const open = `    <testcase${attrs({ name: e.id, classname: classname(e.kind), time: 0 })}`;
  const detail = [describe(e), ...e.reasons].join('\n');
  if (e.verdict === 'regressed') {
    const message = `regressed: ${formatRatio(e.ratio)}x ${formatInterval(e.ci95)}, q = ${formatP(e.qSlower)}`;
    return (
      `${open}>\n      ` +
      `<failure${attrs({ message, type: 'regressed' })}>${xmlText(detail)}</failure>\n    </testcase>`
    );
  }
  if (e.verdict === 'inconclusive') {
    const message = `inconclusive: ${e.reasons[0] ?? 'could not decide'}`;
    return (
      `${open}>\n      <skipped${attrs({ message })}/>\n      ` +
      `<system-out>${xmlText(detail)}</system-out>\n    </testcase>`
    );
  }
  return `${open}>\n      <system-out>${xmlText(`${e.verdict}: ${detail}`)}</system-out>\n    </testcase>`;
}

function oneSidedCase(e: OneSidedEntry, where: 'baseline' | 'current'): string {
  const other = where === 'baseline' ? 'current' : 'baseline';
  const message = `only in the ${where} table: not measured in the ${other} table`;
  return (
    `    <testcase${attrs({ name: e.id, classname: classname(e.kind), time: 0 })}>\n      ` +
    `<skipped${attrs({ message })}/>\n    </testcase>`
  );
}

/** A shared shift of the whole suite is one more test case: failed when beyond the machine's spread. */
function suiteCase(r: RegressionResult): string[] {
  const s = r.suite;
  if (!s?.separated) return [];
  const open = `    <testcase${attrs({ name: 'whole suite', classname: classname('suite'), time: 0 })}`;
  const detail =
    `${s.verdict}: ${s.summary}; geometric ` +
    `mean ${formatRatio(s.ratio)} (${formatChange(s.ratio)}), ${s.sharedBy} ` +
    `of ${s.entries} entries moved with it`;
  if (s.verdict === 'regressed')
    return [`${open}>\n      <failure${attrs({ message: detail, type: 'regressed' })}/>\n    </testcase>`];
  if (s.verdict === 'inconclusive') return [`${open}>\n      <skipped${attrs({ message: detail })}/>\n    </testcase>`];
  return [`${open}>\n      <system-out>${xmlText(detail)}</system-out>\n    </testcase>`];
}

export function renderJunit(r: RegressionResult, options: JunitOptions = {}): string {
  const cases = [
    ...suiteCase(r),
    ...r.entries.map(comparedCase),
    ...r.onlyInBaseline.map((e) => oneSidedCase(e, 'baseline')),
    ...r.onlyInCurrent.map((e) => oneSidedCase(e, 'current')),
  ];
  const tests = cases.length;
  const suite = r.suite?.separated ? r.suite.verdict : null;
  const failures = r.counts.regressed + (suite === 'regressed' ? 1 : 0);
  const skipped =
    r.counts.inconclusive + r.counts.onlyInBaseline + r.counts.onlyInCurrent + (suite === 'inconclusive' ? 1 : 0);
  const counts = { tests, failures, errors: 0, skipped, time: 0 };
  const { profile, runner, ep, precision } = r.current;
  const suiteName = `latency regression: ${profile} ${runner} ${ep} ${precision}`;
  const properties: [string, string | number][] = [
    ['baseline', r.baseline.label],
    ['current', r.current.label],
    ['threshold', r.options.threshold],
    ['threshold-percent', formatPercent(r.options.threshold)],
    ['alpha', r.options.alpha],
    ['seed', r.options.seed],
    ['resamples', r.options.resamples],
    ['device-fingerprint', r.current.fingerprint],
    ['baseline-round-noise', r.baseline.roundNoise?.tau ?? 'unknown'],
    ['current-round-noise', r.current.roundNoise?.tau ?? 'unknown'],
    ['mode', r.mode ?? 'two-table'],
  ];
  if (r.suite)
    properties.push(
      ['suite-shift', r.suite.ratio],
      ['suite-verdict', r.suite.separated ? r.suite.verdict : 'not separated'],
    );
  if (r.suite?.spread) properties.push(['run-spread', r.suite.spread.sd], ['run-spread-source', r.suite.spread.source]);
  if (r.geomean) {
    properties.push(['geomean-ratio', r.geomean.value], ['geomean-ci95', formatInterval(r.geomean.ci95)]);
  }
  const suiteAttrs = {
    name: suiteName,
    ...counts,
    ...(options.createdAt !== undefined ? { timestamp: options.createdAt.replace(/\.\d+Z$|Z$/, '') } : {}),
    hostname: r.current.profile,
    id: 0,
    package: 'nanosd-bench.regression',
  };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'nanosd-bench latency regression', ...counts })}>`,
    `  <testsuite${attrs(suiteAttrs)}>`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property${attrs({ name, value })}/>`),
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
