// ONNX -> DLC on the host with the SDK's snpe-onnx-to-dlc, cached by model, SDK version and converter
// arguments. Built in a temporary folder and renamed into place when complete, so an interrupted
// conversion is never taken for a finished one. A .dlc the user brings is used as it is.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelError, RunnerError } from '../../errors.js';
import { sha256Hex } from '../../hashing.js';
import { runProcess } from '../../transports/process.js';
import { checkExit, HOST } from '../check-exit.js';
import type { ModelFiles } from '../types.js';
import { dlcConverterArgv } from './args.js';
import type { SnpeNetRunOptions } from './options.js';
import type { SnpeSdk } from './sdk.js';

const NAME = 'snpe-net-run';
const CONVERT_VERSION = 1;

export interface Dlc {
  key: string;
  file: string;
}

type KeyOptions = Pick<SnpeNetRunOptions, 'converterArgs'>;

export function dlcKey(model: ModelFiles, sdk: Pick<SnpeSdk, 'version'>, o: KeyOptions): string {
  const basis = {
    v: CONVERT_VERSION,
    model: model.sha256,
    inputs: model.inputs,
    sdk: sdk.version,
    args: o.converterArgs,
  };
  return sha256Hex(JSON.stringify(basis)).slice(0, 24);
}

/** The converter prints its reason last, on stderr or stdout: the last two lines, or '' for none. */
function tail(stdout: string, stderr: string): string {
  const lines = `${stderr}\n${stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.slice(-2).join(' | ');
}

/** The DLC of `model`: the user's own .dlc, or the ONNX graph converted now or taken from the cache. */
export async function dlcFor(
  model: ModelFiles,
  sdk: SnpeSdk,
  o: SnpeNetRunOptions,
  cacheDir: string,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<Dlc> {
  const { label, graph } = model;
  if (graph.endsWith('.dlc')) return { key: model.sha256.slice(0, 24), file: join(model.root, graph) };
  if (!graph.endsWith('.onnx')) {
    throw new ModelError(`${label}: ${graph} is neither a .dlc nor an .onnx model; ${NAME} runs DLC files`);
  }
  if (sdk.converter === undefined) {
    const missing = `the SDK at ${sdk.root} has no bin/x86_64-linux-clang/snpe-onnx-to-dlc to convert it`;
    throw new ModelError(`${label}: ${graph} is ONNX and ${missing}`, {
      hint: 'use an SDK with the converter, or list your .dlc files per stage variant in a manifest (--models)',
    });
  }
  const key = dlcKey(model, sdk, o);
  const dir = join(cacheDir, key);
  const file = join(dir, 'model.dlc');
  if (existsSync(join(dir, 'done.json'))) return { key, file };
  const tmp = join(cacheDir, `${key}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(tmp, { recursive: true });
  log(`converting ${label} to DLC with SNPE ${sdk.version}`);
  try {
    const out = join(tmp, 'model.dlc');
    const argv = dlcConverterArgv(sdk.converter, join(model.root, graph), out, model.inputs, o.converterArgs);
    const options = { env: { SNPE_ROOT: sdk.root }, timeoutMs: o.convertTimeoutMs, ...(signal ? { signal } : {}) };
    const r = await runProcess(argv, options);
    const output = `--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}\n`;
    writeFileSync(join(tmp, 'convert.log'), `$ ${argv.join(' ')}\n${output}`);
    // The log of a failed conversion is kept beside the cache for the user.
    const kept = join(cacheDir, `${key}.failed.log`);
    const keepLog = () => {
      renameSync(join(tmp, 'convert.log'), kept);
      return `log: ${kept}`;
    };
    const fail = (why: string) => new RunnerError(NAME, `snpe-onnx-to-dlc ${why} (${keepLog()})`);
    if (r.timedOut) throw fail(`did not finish converting ${label} within ${o.convertTimeoutMs} ms`);
    const reason = (e: { reason: string }) => tail(r.stdout, r.stderr) || e.reason;
    const what = `snpe-onnx-to-dlc converting ${label}`;
    checkExit(r, { runner: NAME, what, where: HOST, reason, saved: keepLog });
    if (!existsSync(join(tmp, 'model.dlc'))) throw fail(`exited 0 on ${label} but wrote no model.dlc`);
    writeFileSync(join(tmp, 'done.json'), `${JSON.stringify({ model: model.sha256, label, sdk: sdk.version })}\n`);
    try {
      renameSync(tmp, dir);
    } catch (error) {
      // Another worker (a second phone) finished the same conversion first: keep theirs.
      if (!existsSync(join(dir, 'done.json'))) throw error;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { key, file };
}
