// The architecture of src/ as one table; docs/architecture.md says the same in words. Checked by
// `npm run lint` and by test/unit/dependency-rules.test.ts (so `npm test` checks it too).
//
// Type-only imports count: a module that needs another's types depends on it as much as one that calls
// it. Paths are regular expressions on paths from the repository root (`src/lut/schema.ts`); node
// built-ins appear under their name (`fs`, `node:fs`), packages as `node_modules/<name>/...`.

/** The data flow of DESIGN.md §2, left to right. A module never imports from a module to its right,
 *  and modules in one group (siblings) import neither each other. */
const FLOW = [
  ['catalog'],
  ['onnx'],
  ['devices'],
  ['transports'],
  // Tiling, pixels, blending and the run spec: pure code the runner side (the pipeline runner on a
  // device, the ort-node runner that starts it) and the use cases share.
  ['pipeline'],
  ['runners'],
  ['measure'],
  ['lut'],
  ['predict'],
  ['search', 'compare'],
  ['report'],
  ['app'],
  ['cli'],
];

/** Shared leaves any module may use, wherever it sits in the flow. A leaf imports only other leaves. */
const LEAVES = [
  'src/errors[.]ts$', // the error classes and their exit codes
  'src/paths[.]ts$', // where the package's own files are
  'src/json-file[.]ts$', // read and validate a JSON file; errors name the file and the key
  'src/atomic-write[.]ts$', // write, then rename: no half-written output
  'src/data-path[.]ts$', // relative paths taken from data, checked
  'src/contained-file[.]ts$', // the host side of data-path: the file stays inside its folder
  'src/terminal-text[.]ts$', // control characters shown as escapes before they reach a terminal
  'src/hashing[.]ts$', // sha256 of data and of files (remembered while a file is unchanged)
  'src/parsing/', // the text helpers parsers share
  'src/stats/', // statistics, also shipped to devices inside the device runner
  'src/lut/schema[.]ts$', // the LUT data contract: measure writes it, everything after it reads it
  'src/lut/key[.]ts$', // the entry key of that contract
];

/** Output parsers: saved tool output in, data out. Tested on real captures; they run anywhere. */
const PARSERS = [
  'src/parsing/',
  'src/devices/facts/',
  'src/runners/[^/]+/(parser|profile-json|profile-viewer|profiling-csv|devicectl-json|diagview|net-run-log)[.]ts$',
  // What transports read back: /proc/<pid>/stat, `adb devices -l`, the SSH info scripts' output and
  // the frames of the long-lived SSH shell.
  'src/transports/adb/(process-tree|device-list)[.]ts$',
  'src/transports/ssh/(device-facts|linux-thermal|shell-frames)[.]ts$',
];

/** Command text: argv arrays and fixed scripts, built without running anything. The one quoting
 *  function, the device-side thermal script, the adb shell wrapper, the SSH shell's program, each
 *  runner's command line. */
const COMMAND_TEXT = [
  'src/transports/quote[.]ts$',
  'src/transports/sys-thermal-script[.]ts$',
  'src/transports/adb/shell-wrapper[.]ts$',
  'src/transports/ssh/shell-program[.]ts$',
  'src/runners/[^/]+/args[.]ts$',
];

/** Transport modules a pure module may use: the text above and the contract (types only). */
const TRANSPORT_TEXT = [...PARSERS, ...COMMAND_TEXT, 'src/transports/types[.]ts$'].filter((p) =>
  p.startsWith('src/transports/'),
);

/** Pure modules compute (some read or write files) but never start a process or open a connection. */
const PURE = [
  'src/catalog/',
  'src/stats/',
  'src/lut/',
  'src/predict/',
  'src/pipeline/',
  'src/search/',
  'src/compare/',
  'src/report/',
  ...PARSERS,
  ...COMMAND_TEXT,
];

/** Processes, sockets, and the adb and ssh clients: only transports reach a device or a host program. */
const IO_MODULES = [
  '^(node:)?(child_process|net|tls|http|https|http2|dgram|cluster)$',
  '^(node_modules/)?(ssh2|node-ssh|execa|@devicefarmer/adbkit)($|/)',
];
const TRANSPORTS = '^src/transports/';

/** The programs src is run as: the library API, the `bench` command, the two runners shipped to devices. */
const DEVICE_PROGRAMS = ['^src/device-runner/ort-runner[.]ts$', '^src/device-runner/pipeline-runner[.]ts$'];
const ENTRY_POINTS = ['^src/index[.]ts$', '^src/cli/main[.]ts$', ...DEVICE_PROGRAMS];

/** What the device runner may use besides Node's built-ins and its own folder: it is bundled into one
 *  file that runs on a phone or a Mac, so only code that needs nothing of the harness. */
const DEVICE_RUNNER_MAY_USE = [
  '^src/device-runner/',
  '^src/stats/',
  '^src/parsing/',
  '^src/onnx/half[.]ts$', // float32 -> float16 rounding, the same on host and device
  '^src/onnx/npy[.]ts$', // a pipeline's prompt embedding, read on the device as the host checked it
  // The pipeline runner's tiles, pixels, blending and spec; the codecs' types only (it loads them by path).
  '^src/pipeline/(blend|image-codec|pixels|run-spec|tiling)[.]ts$',
  '^node_modules/(@types/pngjs|pngjs|jpeg-js)/',
  '^node_modules/simple-statistics/',
];

const at = (paths) => paths.map((path) => `^${path}`);
const folders = (names) => `^src/(${names.join('|')})/`;
const rightOf = (i) => FLOW.slice(i + 1).flat();

/** One row per group of the flow: its modules import nothing to their right and no sibling. (The last
 *  group, cli, has nothing to its right.) */
const flowRules = FLOW.slice(0, -1).map((group, i) => ({
  name: `flow-${group.join('-')}`,
  comment: `${group.join(' and ')} may not import from ${rightOf(i).join(', ')}`,
  from: { path: folders(group) },
  // $1 is the folder the importing module is in: its own files are fine.
  to: { path: folders([...group, ...rightOf(i)]), pathNot: ['^src/$1/', ...at(LEAVES)] },
}));

const RULES = [
  ...flowRules,
  {
    name: 'leaves-stay-leaves',
    comment: 'a shared leaf imports only other leaves (and packages): every module may use it',
    from: { path: at(LEAVES) },
    to: { path: '^src/', pathNot: at(LEAVES) },
  },
  {
    name: 'pure-no-io',
    comment: 'pure modules start no process, open no socket, and use no transport',
    from: { path: at(PURE) },
    to: { path: [...IO_MODULES, TRANSPORTS], pathNot: at(TRANSPORT_TEXT) },
  },
  {
    name: 'text-only',
    comment: 'parsers and the text builders of transports import no Node built-in and no package but zod',
    from: { path: at([...PARSERS, ...COMMAND_TEXT]) },
    to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-no-pkg', 'npm-unknown'], pathNot: '^node_modules/zod/' },
  },
  {
    name: 'report-no-fs',
    comment: 'renderers build strings; the use case (app/) writes them',
    from: { path: '^src/report/' },
    to: { path: '^(node:)?fs(/promises)?$' },
  },
  {
    name: 'stats-self-contained',
    comment: 'stats (shipped to devices) imports only its own files and simple-statistics',
    from: { path: '^src/stats/' },
    to: { pathNot: ['^src/stats/', '^node_modules/simple-statistics/'] },
  },
  {
    name: 'device-runner-portable',
    comment: 'the device runner uses Node built-ins, its own files and pure code that needs nothing of the harness',
    from: { path: '^src/device-runner/' },
    to: { dependencyTypesNot: ['core'], pathNot: DEVICE_RUNNER_MAY_USE },
  },
  {
    name: 'device-runner-reach',
    comment: 'nothing the device runner bundles reaches a transport, a process or another package',
    from: { path: DEVICE_PROGRAMS },
    to: {
      reachable: true,
      path: ['^src/', '^node_modules/', ...IO_MODULES],
      pathNot: DEVICE_RUNNER_MAY_USE,
    },
  },
  {
    name: 'no-library-api-inside',
    comment: 'src/index.ts is the API for outside users; inside src import the module itself',
    from: { path: '^src/' },
    to: { path: '^src/index[.]ts$' },
  },
  {
    name: 'no-circular',
    comment: 'a cycle makes two modules one; split out what both need',
    from: { path: '^src/' },
    to: { circular: true },
  },
  {
    name: 'no-orphans',
    comment: 'a module nothing imports and that imports nothing is dead code',
    from: { orphan: true, path: '^src/', pathNot: ENTRY_POINTS },
    to: {},
  },
  {
    name: 'no-unreachable',
    comment: 'every module in src is reached from an entry point (the library, the command, the device runner)',
    from: { path: ENTRY_POINTS },
    to: { path: '^src/', pathNot: ENTRY_POINTS, reachable: false },
  },
  {
    name: 'not-to-unresolvable',
    comment: 'an import that does not resolve to a file',
    from: {},
    to: { couldNotResolve: true },
  },
  {
    name: 'declared-packages',
    comment: 'src uses only packages package.json lists as dependencies (devDependencies are not installed for users)',
    from: { path: '^src/' },
    to: { dependencyTypes: ['npm-dev', 'npm-no-pkg', 'npm-unknown'], dependencyTypesNot: ['type-only'] },
  },
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: RULES.map((rule) => ({ severity: 'error', ...rule })),
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
