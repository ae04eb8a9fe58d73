// The command lines the `devicectl-app` runner runs on the Mac, as argv arrays (the transport quotes
// them). Pure: the runner and the unit tests build them here, so what is tested is what runs.
import { benchAppArguments, type BenchAppRequest } from './parser.js';
import type { ModelFiles } from '../types.js';

export interface DevicectlTarget {
  xcrun: string;
  udid: string;
  bundleId: string;
}

/** `xcrun devicectl device info details --device <udid> --json-output <file>` */
export function deviceDetailsArgv(t: DevicectlTarget, jsonFile: string): string[] {
  return [t.xcrun, 'devicectl', 'device', 'info', 'details', '--device', t.udid, '--json-output', jsonFile];
}

/** Copies one file from the Mac into the app's data container (`destination` is relative to its home). */
export function copyToDeviceArgv(t: DevicectlTarget, source: string, destination: string): string[] {
  return [
    t.xcrun,
    'devicectl',
    'device',
    'copy',
    'to',
    '--device',
    t.udid,
    '--domain-type',
    'appDataContainer',
    '--domain-identifier',
    t.bundleId,
    '--source',
    source,
    '--destination',
    destination,
  ];
}

/**
 * The model's inputs for the app, `--nsbench-input=<name>:<float32|float16>:<d0,d1,...>` (an ONNX
 * Runtime session does not tell an iOS app its input shapes; the harness knows them).
 */
export function benchAppInputArguments(model: Pick<ModelFiles, 'inputs' | 'precision'>): string[] {
  const type = model.precision === 'fp16' ? 'float16' : 'float32';
  return model.inputs.map((i) => `--nsbench-input=${i.name}:${type}:${i.shape.join(',')}`);
}

/** Launches the app with its console attached; returns when the app exits. */
export function launchAppArgv(
  t: DevicectlTarget,
  request: BenchAppRequest,
  model: Pick<ModelFiles, 'inputs' | 'precision'>,
): string[] {
  return [
    t.xcrun,
    'devicectl',
    'device',
    'process',
    'launch',
    '--console',
    '--terminate-existing',
    '--device',
    t.udid,
    t.bundleId,
    ...benchAppArguments(request),
    ...benchAppInputArguments(model),
  ];
}

/**
 * Runs several commands one after the other in a single remote command (one SSH round trip instead of
 * one per command), stopping at the first that fails. $1 is a separator that occurs in no argument;
 * then each command as `<sep> argv...`. The commands' own output goes to stderr; stdout gets
 * `ok <index>` after each command that succeeded, so the caller knows how far it got. POSIX sh has no
 * arrays: a subshell rotates the command's words to the end of "$@" and drops the rest.
 */
export const sequenceScript = `sep=$1; shift
i=0
while [ "$#" -gt 0 ]; do
  shift
  n=0
  for a in "$@"; do [ "$a" = "$sep" ] && break; n=$((n+1)); done
  total=$#
  (
    k=0
    while [ "$k" -lt "$n" ]; do a=$1; shift; set -- "$@" "$a"; k=$((k+1)); done
    shift $((total-n))
    exec "$@"
  ) >&2 || exit $?
  printf 'ok %s\\n' "$i"
  i=$((i+1))
  shift "$n"
done`;

/** argv running `commands` in order through sequenceScript. */
export function sequenceArgv(commands: readonly (readonly string[])[], separator: string): string[] {
  if (commands.some((c) => c.length === 0)) throw new Error('sequenceArgv: empty command');
  if (commands.some((c) => c.includes(separator))) throw new Error('sequenceArgv: the separator occurs in an argument');
  return ['sh', '-c', sequenceScript, 'sh', separator, ...commands.flatMap((c) => [separator, ...c])];
}

/** Which commands of a sequence completed, from its stdout. */
export function sequenceCompleted(stdout: string): number {
  return stdout.split('\n').filter((l) => /^ok \d+$/.test(l)).length;
}
