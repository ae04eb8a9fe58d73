// The SNPE SDK on the host (standalone SNPE, or QAIRT, which ships SNPE's tools beside QNN's): where
// it is (runner.options.sdkRoot, $SNPE_ROOT, else $QNN_SDK_ROOT), its version, snpe-diagview to decode
// the diagnostic logs, snpe-onnx-to-dlc when present (without it only .dlc models can be run), and the
// files pushed to the phone. Every missing piece is named with the path where it was looked for.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RunnerError } from '../../errors.js';
import { expandHostPath, folderExists, type RuntimeFile } from '../device-tool.js';
import { DEVICE_TARGET, HOST_TARGET, sdkDeviceFiles, sdkVersion } from '../qualcomm-sdk.js';
import type { RunnerContext } from '../types.js';
import type { SnpeNetRunOptions } from './options.js';

const NAME = 'snpe-net-run';

export interface SnpeSdk {
  root: string;
  version: string;
  diagview: string;
  /** snpe-onnx-to-dlc, when the SDK has it. */
  converter?: string;
  deviceFiles: RuntimeFile[];
}

/** Paths (relative to the SDK root) the runner pushes: required ones and ones pushed when present. */
type DeviceFiles = Record<'required' | 'optional', string[]>;

export function snpeDeviceFiles(o: Pick<SnpeNetRunOptions, 'runtime' | 'htpArch'>): DeviceFiles {
  const required = [`bin/${DEVICE_TARGET}/snpe-net-run`, `lib/${DEVICE_TARGET}/libSNPE.so`];
  const optional = [`lib/${DEVICE_TARGET}/libc++_shared.so`];
  if (o.runtime === 'dsp' && o.htpArch !== undefined) {
    const v = o.htpArch.toUpperCase();
    required.push(`lib/${DEVICE_TARGET}/libSnpeHtp${v}Stub.so`);
    required.push(`lib/hexagon-${o.htpArch}/unsigned/libSnpeHtp${v}Skel.so`);
    optional.push(`lib/${DEVICE_TARGET}/libSnpeHtpPrepare.so`);
  }
  return { required, optional };
}

type Where = { root: string; where: string };

function sdkRoot(ctx: Pick<RunnerContext, 'profile'>, o: SnpeNetRunOptions, env: NodeJS.ProcessEnv): Where {
  if (o.sdkRoot !== undefined) {
    const where = `runner.options.sdkRoot in ${ctx.profile.file}`;
    return { root: expandHostPath(NAME, ctx, 'sdkRoot', o.sdkRoot, env), where };
  }
  for (const name of ['SNPE_ROOT', 'QNN_SDK_ROOT']) {
    const value = env[name];
    if (value !== undefined && value !== '') return { root: value, where: name };
  }
  const unset = `neither SNPE_ROOT nor QNN_SDK_ROOT is set (and ${ctx.profile.file} has no runner.options.sdkRoot)`;
  throw new RunnerError(NAME, `${unset}: the SNPE SDK tools cannot be found`, {
    hint:
      'install the Qualcomm AI Runtime SDK (QAIRT, which includes SNPE) and ' +
      '`export SNPE_ROOT=/opt/qcom/aistack/qairt/<version>` (or set runner.options.sdkRoot), then run `bench devices`',
  });
}

/** Finds the SDK and checks every file the runner will use; throws a RunnerError naming what is missing. */
export function locateSnpeSdk(ctx: Pick<RunnerContext, 'profile'>, o: SnpeNetRunOptions, env = process.env): SnpeSdk {
  if (o.runtime === 'dsp' && o.htpArch === undefined) {
    const what = "the phone's Hexagon version, v79 on SM8750";
    throw new RunnerError(NAME, `runtime "dsp" needs runner.options.htpArch (${what}) in ${ctx.profile.file}`);
  }
  const { root, where } = sdkRoot(ctx, o, env);
  if (!folderExists(root)) {
    throw new RunnerError(NAME, `the SNPE SDK folder ${root} (${where}) does not exist`, {
      hint: 'point it at the unpacked SDK (the folder holding bin/ and lib/)',
    });
  }
  const files = snpeDeviceFiles(o);
  const diagview = `bin/${HOST_TARGET}/snpe-diagview`;
  const missing = [diagview, ...files.required].filter((f) => !existsSync(join(root, f)));
  const arch = o.htpArch ? ` for HTP ${o.htpArch}` : '';
  if (missing.length > 0) {
    throw new RunnerError(NAME, `the SNPE SDK at ${root} (${where}) lacks ${missing.join(', ')}`, {
      hint: `use an SNPE or QAIRT SDK with Linux x86_64 host tools and Android aarch64 targets${arch}`,
    });
  }
  const converter = join(root, 'bin', HOST_TARGET, 'snpe-onnx-to-dlc');
  return {
    root,
    version: sdkVersion(root),
    diagview: join(root, diagview),
    ...(existsSync(converter) ? { converter } : {}),
    deviceFiles: sdkDeviceFiles(root, files.required, files.optional),
  };
}
