// ONNX -> QNN context binary on the host, with the SDK's tools, cached: the cache key covers the model
// (sha256), the SDK version, the HTP arch and every setting that changes the binary, so a second run
// (or a second phone of the same kind) converts nothing. A conversion is built in a temporary folder
// and renamed into place when complete, so an interrupted one is never taken for a finished one.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { appendWhole, writeFileAtomic } from '../../atomic-write.js';
import { RunnerError } from '../../errors.js';
import { sha256Hex } from '../../hashing.js';
import { runProcess } from '../../transports/process.js';
import { checkExit, HOST } from '../check-exit.js';
import type { ExecResult } from '../../transports/types.js';
import {
  backendConfig,
  contextBinaryArgv,
  contextBinaryPath,
  converterArgv,
  htpExtensionConfig,
  modelLibArgv,
  modelLibPath,
} from './args.js';
import type { QnnNetRunOptions } from './options.js';
import { HOST_TARGET } from '../qualcomm-sdk.js';
import type { QnnSdk } from './sdk.js';
import type { ModelFiles } from '../types.js';

const NAME = 'qnn-net-run';
/** Bump when the conversion changes, so old cache entries are not reused. */
const CONVERT_VERSION = 1;

export interface Converted {
  key: string;
  dir: string;
  contextBinary: string;
  /** False when the cache already held it. */
  fresh: boolean;
}

export function conversionKey(model: ModelFiles, sdk: Pick<QnnSdk, 'version'>, o: QnnNetRunOptions): string {
  const basis = {
    v: CONVERT_VERSION,
    model: model.sha256,
    precision: model.precision,
    inputs: model.inputs,
    sdk: sdk.version,
    arch: o.htpArch,
    socId: o.socId ?? null,
    vtcmMb: o.vtcmMb ?? null,
    O: o.optimizationLevel,
    converterArgs: o.converterArgs,
  };
  return sha256Hex(JSON.stringify(basis)).slice(0, 24);
}

/** The converters print their reason last, on stderr or stdout: the last two lines, or '' for none. */
function tail(r: ExecResult): string {
  const lines = `${r.stderr}\n${r.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.slice(-2).join(' | ');
}

async function step(
  label: string,
  argv: string[],
  expect: string,
  sdk: QnnSdk,
  o: QnnNetRunOptions,
  logFile: string,
  signal?: AbortSignal,
): Promise<void> {
  const r = await runProcess(argv, {
    env: { QNN_SDK_ROOT: sdk.root },
    timeoutMs: o.convertTimeoutMs,
    ...(signal ? { signal } : {}),
  });
  appendWhole(logFile, `$ ${argv.join(' ')}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}\n`);
  const tool = argv[0]!.replace(/^.*\//, '');
  if (r.timedOut)
    throw new RunnerError(
      NAME,
      `${tool} did not finish converting ${label} within ${o.convertTimeoutMs} ms (log: ${logFile})`,
    );
  const reason = (e: { reason: string }) => tail(r) || e.reason;
  const saved = () => `log: ${logFile}`;
  checkExit(r, { runner: NAME, what: `${tool} converting ${label}`, where: HOST, reason, saved });
  if (!existsSync(expect))
    throw new RunnerError(NAME, `${tool} exited 0 on ${label} but wrote no ${expect} (log: ${logFile})`);
}

/** The context binary for `model`, converted now or taken from the cache. */
export async function convertModel(
  model: ModelFiles,
  sdk: QnnSdk,
  o: QnnNetRunOptions,
  cacheDir: string,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<Converted> {
  const key = conversionKey(model, sdk, o);
  const dir = join(cacheDir, key);
  if (existsSync(join(dir, 'done.json'))) return { key, dir, contextBinary: contextBinaryPath(dir), fresh: false };
  mkdirSync(cacheDir, { recursive: true });
  const tmp = join(cacheDir, `${key}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(tmp, { recursive: true });
  const logFile = join(tmp, 'convert.log');
  log(`converting ${model.label} with QNN ${sdk.version} for HTP ${o.htpArch}`);
  try {
    await buildInto(tmp, model, sdk, o, logFile, signal);
    publish(tmp, dir);
  } catch (error) {
    discardFailed(error, cacheDir, key, tmp, logFile);
  }
  return { key, dir, contextBinary: contextBinaryPath(dir), fresh: true };
}

/** Converter, model library and context binary, built in `tmp`, which ends with done.json. */
async function buildInto(
  tmp: string,
  model: ModelFiles,
  sdk: QnnSdk,
  o: QnnNetRunOptions,
  logFile: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  await step(
    model.label,
    converterArgv({
      tool: sdk.tool('qnn-onnx-converter'),
      model: join(model.root, model.graph),
      outDir: tmp,
      inputs: model.inputs,
      precision: model.precision,
      extra: o.converterArgs,
    }),
    join(tmp, 'model.cpp'),
    sdk,
    o,
    logFile,
    signal,
  );
  await step(
    model.label,
    modelLibArgv(sdk.tool('qnn-model-lib-generator'), tmp, HOST_TARGET),
    modelLibPath(tmp, HOST_TARGET),
    sdk,
    o,
    logFile,
    signal,
  );
  const configFile = writeHtpConfigs(tmp, sdk, o);
  await step(
    model.label,
    contextBinaryArgv({
      tool: sdk.tool('qnn-context-binary-generator'),
      backend: sdk.hostLib('libQnnHtp.so'),
      modelLib: modelLibPath(tmp, HOST_TARGET),
      outDir: tmp,
      configFile,
    }),
    contextBinaryPath(tmp),
    sdk,
    o,
    logFile,
    signal,
  );
  writeFileAtomic(
    join(tmp, 'done.json'),
    `${JSON.stringify({
      model: model.sha256,
      label: model.label,
      sdk: sdk.version,
      arch: o.htpArch,
      at: new Date().toISOString(),
    })}\n`,
  );
}

/** The HTP extension and backend configs the context-binary generator reads; returns the backend config's path. */
function writeHtpConfigs(tmp: string, sdk: QnnSdk, o: QnnNetRunOptions): string {
  const extFile = join(tmp, 'htp_ext.json');
  const configFile = join(tmp, 'htp_config.json');
  const ext = htpExtensionConfig({
    htpArch: o.htpArch,
    optimizationLevel: o.optimizationLevel,
    ...(o.socId !== undefined ? { socId: o.socId } : {}),
    ...(o.vtcmMb !== undefined ? { vtcmMb: o.vtcmMb } : {}),
  });
  writeFileAtomic(extFile, `${JSON.stringify(ext, null, 1)}\n`);
  writeFileAtomic(
    configFile,
    `${JSON.stringify(backendConfig(sdk.hostLib('libQnnHtpNetRunExtensions.so'), extFile), null, 1)}\n`,
  );
  return configFile;
}

/** Moves the finished `tmp` to its cache folder `dir`. */
function publish(tmp: string, dir: string): void {
  try {
    renameSync(tmp, dir);
  } catch (error) {
    // Another worker (a second phone) finished the same conversion first: keep theirs.
    if (!existsSync(join(dir, 'done.json'))) throw error;
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Drops the half-built `tmp` and rethrows; a tool's failure keeps its log beside the cache and names it. */
function discardFailed(error: unknown, cacheDir: string, key: string, tmp: string, logFile: string): never {
  if (error instanceof RunnerError) {
    // Keep the log for the user, drop the half-built folder.
    const kept = join(cacheDir, `${key}.failed.log`);
    try {
      renameSync(logFile, kept);
    } catch {
      // Nothing was logged.
    }
    rmSync(tmp, { recursive: true, force: true });
    const message = error.message.replace(/^runner [^:]+: /, '').replace(logFile, kept);
    throw new RunnerError(NAME, message, { cause: error.cause });
  }
  rmSync(tmp, { recursive: true, force: true });
  throw error;
}
