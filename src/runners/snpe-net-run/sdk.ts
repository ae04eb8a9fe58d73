// The SNPE SDK on the host (standalone SNPE, or QAIRT, which ships SNPE's tools beside QNN's): where
// it is (runner.options.sdkRoot, $SNPE_ROOT, else $QNN_SDK_ROOT), its version, snpe-diagview to decode
// the diagnostic logs, snpe-onnx-to-dlc when present (without it only .dlc models can be run), and the
// files pushed to the phone. Every missing piece is named with the path where it was looked for.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RunnerError } from '../../errors.js';
import { expandHostPath, folderExists, type RuntimeFile } from '../device-tool.js';
import { sdkVersion } from '../qnn-net-run-sdk.js';
import type { RunnerContext } from '../types.js';
import type { SnpeNetRunOptions } from './options.js';

const NAME = 'snpe-net-run';
export const HOST_TARGET = 'x86_64-linux-clang';
export const DEVICE_TARGET = 'aarch64-android';

export interface SnpeSdk {
  root: string;
  version: string;
  diagview: string;
  /** snpe-onnx-to-dlc, when the SDK has it. */
  converter?: string;
  deviceFiles: RuntimeFile[];
}

/** Paths (relative to the SDK root) the runner pushes: required ones and ones pushed when present. */
export function snpeDeviceFiles(o: Pick<SnpeNetRunOptions, 'runtime' | 'htpArch'>): { required: string[]; optional: string[] } {
  const required = [`bin/${DEVICE_TARGET}/snpe-net-run`, `lib/${DEVICE_TARGET}/libSNPE.so`];
  const optional = [`lib/${DEVICE_TARGET}/libc++_shared.so`];
  if (o.runtime === 'dsp' && o.htpArch !== undefined) {
    const v = o.htpArch.toUpperCase();
    required.push(`lib/${DEVICE_TARGET}/libSnpeHtp${v}Stub.so`, `lib/hexagon-${o.htpArch}/unsigned/libSnpeHtp${v}Skel.so`);
    optional.push(`lib/${DEVICE_TARGET}/libSnpeHtpPrepare.so`);
  }
  return { required, optional };
}

function sdkRoot(ctx: Pick<RunnerContext, 'profile'>, o: SnpeNetRunOptions, env: NodeJS.ProcessEnv): { root: string; where: string } {
  if (o.sdkRoot !== undefined) return { root: expandHostPath(NAME, ctx, 'sdkRoot', o.sdkRoot, env), where: `runner.options.sdkRoot in ${ctx.profile.file}` };
  for (const name of ['SNPE_ROOT', 'QNN_SDK_ROOT']) {
    const value = env[name];
    if (value !== undefined && value !== '') return { root: value, where: name };
  }
  throw new RunnerError(NAME, `neither SNPE_ROOT nor QNN_SDK_ROOT is set (and ${ctx.profile.file} has no runner.options.sdkRoot): the SNPE SDK tools cannot be found`, {
    hint: 'install the Qualcomm AI Runtime SDK (QAIRT, which includes SNPE) and `export SNPE_ROOT=/opt/qcom/aistack/qairt/<version>` (or set runner.options.sdkRoot), then run `bench devices`',
  });
}

/** Finds the SDK and checks every file the runner will use; throws a RunnerError naming what is missing. */
export function locateSnpeSdk(ctx: Pick<RunnerContext, 'profile'>, o: SnpeNetRunOptions, env: NodeJS.ProcessEnv = process.env): SnpeSdk {
  if (o.runtime === 'dsp' && o.htpArch === undefined) {
    throw new RunnerError(NAME, `runtime "dsp" needs runner.options.htpArch (the phone's Hexagon version, v79 on SM8750) in ${ctx.profile.file}`);
  }
  const { root, where } = sdkRoot(ctx, o, env);
  if (!folderExists(root)) {
    throw new RunnerError(NAME, `the SNPE SDK folder ${root} (${where}) does not exist`, { hint: 'point it at the unpacked SDK (the folder holding bin/ and lib/)' });
  }
  const files = snpeDeviceFiles(o);
  const diagview = `bin/${HOST_TARGET}/snpe-diagview`;
  const missing = [diagview, ...files.required].filter((f) => !existsSync(join(root, f)));
  if (missing.length > 0) {
    throw new RunnerError(NAME, `the SNPE SDK at ${root} (${where}) lacks ${missing.join(', ')}`, {
      hint: `use an SNPE or QAIRT SDK with Linux x86_64 host tools and Android aarch64 targets${o.htpArch ? ` (HTP ${o.htpArch})` : ''}; then run \`bench devices\``,
    });
  }
  const converter = join(root, 'bin', HOST_TARGET, 'snpe-onnx-to-dlc');
  return {
    root,
    version: sdkVersion(root),
    diagview: join(root, diagview),
    ...(existsSync(converter) ? { converter } : {}),
    deviceFiles: [...files.required, ...files.optional.filter((f) => existsSync(join(root, f)))].map((f) => ({ local: join(root, f), rel: basename(f) })),
  };
}
