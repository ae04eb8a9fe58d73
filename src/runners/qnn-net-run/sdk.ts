// The QNN / QAIRT SDK on the host: where it is ($QNN_SDK_ROOT or runner.options.sdkRoot), its version
// (sdk.yaml), the host tools the conversion and the profile viewer need, and the files pushed to the
// phone. Every missing piece is named with the path where it was looked for.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RunnerError } from '../../errors.js';
import { expandHostPath, folderExists, type RuntimeFile } from '../device-tool.js';
import { DEVICE_TARGET, HOST_TARGET, sdkDeviceFiles, sdkVersion } from '../qualcomm-sdk.js';
import type { QnnNetRunOptions } from './options.js';
import type { RunnerContext } from '../types.js';

const NAME = 'qnn-net-run';

export interface QnnSdk {
  root: string;
  /** From sdk.yaml (`version: 2.39.0.250926`), else the folder name. */
  version: string;
  tool(
    name: 'qnn-onnx-converter' | 'qnn-model-lib-generator' | 'qnn-context-binary-generator' | 'qnn-profile-viewer',
  ): string;
  hostLib(name: string): string;
  /** qnn-net-run and the libraries it needs on the phone, flat in the remote runtime folder. */
  deviceFiles: RuntimeFile[];
}

function hostTools(): string[] {
  return ['qnn-onnx-converter', 'qnn-model-lib-generator', 'qnn-context-binary-generator', 'qnn-profile-viewer'].map(
    (t) => `bin/${HOST_TARGET}/${t}`,
  );
}

/** Paths (relative to the SDK root) the runner needs, with whether each is optional. */
export function sdkFiles(o: QnnNetRunOptions): { host: string[]; device: string[]; optionalDevice: string[] } {
  const v = o.htpArch.toUpperCase();
  const host = [...hostTools(), `lib/${HOST_TARGET}/libQnnHtp.so`, `lib/${HOST_TARGET}/libQnnHtpNetRunExtensions.so`];
  if (o.viewer === 'json') host.push(`lib/${HOST_TARGET}/libQnnJsonProfilingReader.so`);
  return {
    host,
    device: [
      `bin/${DEVICE_TARGET}/qnn-net-run`,
      `lib/${DEVICE_TARGET}/libQnnHtp.so`,
      `lib/${DEVICE_TARGET}/libQnnHtp${v}Stub.so`,
      `lib/${DEVICE_TARGET}/libQnnSystem.so`,
      `lib/hexagon-${o.htpArch}/unsigned/libQnnHtp${v}Skel.so`,
    ],
    // Present in every recent SDK; pushed when there, not required.
    optionalDevice: [`lib/${DEVICE_TARGET}/libQnnHtpPrepare.so`, `lib/${DEVICE_TARGET}/libQnnHtpNetRunExtensions.so`],
  };
}

/** Finds the SDK and checks every file the runner will use; throws a RunnerError naming what is missing. */
export function locateSdk(
  ctx: Pick<RunnerContext, 'profile'>,
  o: QnnNetRunOptions,
  env: NodeJS.ProcessEnv = process.env,
): QnnSdk {
  let root: string;
  let where: string;
  if (o.sdkRoot !== undefined) {
    root = expandHostPath(NAME, ctx, 'sdkRoot', o.sdkRoot, env);
    where = `runner.options.sdkRoot in ${ctx.profile.file}`;
  } else {
    const fromEnv = env['QNN_SDK_ROOT'];
    if (fromEnv === undefined || fromEnv === '') {
      throw new RunnerError(
        NAME,
        `QNN_SDK_ROOT is not set (and ${ctx.profile.file} has no ` +
          `runner.options.sdkRoot): the QNN SDK tools cannot be found`,
        {
          hint:
            'install the Qualcomm AI Runtime SDK (QAIRT) and `export ' +
            'QNN_SDK_ROOT=/opt/qcom/aistack/qairt/<version>` (or ' +
            'set runner.options.sdkRoot), then run `bench devices`',
        },
      );
    }
    root = fromEnv;
    where = 'QNN_SDK_ROOT';
  }
  if (!folderExists(root)) {
    throw new RunnerError(NAME, `the QNN SDK folder ${root} (${where}) does not exist`, {
      hint: 'point it at the unpacked QAIRT SDK (the folder holding bin/, lib/ and sdk.yaml)',
    });
  }
  const files = sdkFiles(o);
  const missing = [...files.host, ...files.device].filter((f) => !existsSync(join(root, f)));
  if (missing.length > 0) {
    throw new RunnerError(NAME, `the QNN SDK at ${root} (${where}) lacks ${missing.join(', ')}`, {
      hint:
        `use a QAIRT SDK with HTP ${o.htpArch} support for Linux x86_64 ` +
        `hosts and Android aarch64 targets; then run \`bench devices\``,
    });
  }
  const deviceFiles = sdkDeviceFiles(root, files.device, files.optionalDevice);
  return {
    root,
    version: sdkVersion(root),
    tool: (name) => join(root, 'bin', HOST_TARGET, name),
    hostLib: (name) => join(root, 'lib', HOST_TARGET, name),
    deviceFiles,
  };
}
