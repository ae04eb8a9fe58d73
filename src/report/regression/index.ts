// Regression verdicts between two LUTs: compare, then render (Markdown, JSON, JUnit XML).
// Pure: the CLI command reads the tables and writes the files.
export { compareLuts } from '../../compare/compare.js';
export { checkComparable, findMismatches, tableInfo } from '../../compare/compatibility.js';
export { RegressionInputError } from '../../compare/errors.js';
export { regressionDocument, regressionMethod, renderJson, type JsonMeta } from './json.js';
export { renderJunit, xmlAttr, xmlText, type JunitOptions } from './junit.js';
export { renderMarkdown, worstFirst, type MarkdownOptions } from './markdown.js';
export { resolveOptions } from '../../compare/options.js';
export { downgradeReasons, regressionExitCode } from '../../compare/quality.js';
export { decideVerdict, samplesToReach, type VerdictInput, type VerdictOutcome } from '../../compare/verdict.js';
export * from '../../compare/types.js';
