// Regression verdicts between two LUTs: compare, then render (Markdown, JSON, JUnit XML).
// Pure: the CLI command reads the tables and writes the files.
export { compareLuts } from './compare.js';
export { checkComparable, findMismatches, tableInfo } from './compatibility.js';
export { RegressionInputError } from './errors.js';
export { regressionDocument, regressionMethod, renderJson, type JsonMeta } from './json.js';
export { renderJunit, xmlAttr, xmlText, type JunitOptions } from './junit.js';
export { renderMarkdown, worstFirst, type MarkdownOptions } from './markdown.js';
export { resolveOptions } from './options.js';
export { downgradeReasons, regressionExitCode } from './quality.js';
export { decideVerdict, samplesToReach, type VerdictInput, type VerdictOutcome } from './verdict.js';
export * from './types.js';
