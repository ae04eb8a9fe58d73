import { describe, expect, it } from 'vitest';
import { parseDeviceList } from '../../../src/transports/adb/device-list.js';
import { adbMessage, toDeviceError } from '../../../src/transports/adb/errors.js';
import { parseProcStat, processTree } from '../../../src/transports/adb/process-tree.js';
import { parseWrappedOutput, readPid, wrapCommand } from '../../../src/transports/adb/shell-wrapper.js';
import { SYS_THERMAL_SCRIPT, sysThermalArgv } from '../../../src/transports/sys-thermal-script.js';

const nonce = '0123456789abcdef';

describe('shell wrapper output', () => {
  it('splits pid, stdout, exit code and stderr', () => {
    const out = Buffer.from(`__NSB_${nonce}_PID=4242\nhello\nno newline\n__NSB_${nonce}_RC=3\nboom\n`);
    expect(readPid(out, nonce)).toBe(4242);
    const parsed = parseWrappedOutput(out, nonce);
    expect(parsed.pid).toBe(4242);
    expect(parsed.stdout.toString()).toBe('hello\nno newline');
    expect(parsed.stderr.toString()).toBe('boom\n');
    expect(parsed.exitCode).toBe(3);
  });
  it('ignores markers with another nonce and reports an unfinished command', () => {
    const fake = `__NSB_ffffffffffffffff_RC=0\n`;
    const parsed = parseWrappedOutput(Buffer.from(`__NSB_${nonce}_PID=7\n${fake}still running`), nonce);
    expect(parsed.exitCode).toBeUndefined();
    expect(parsed.stdout.toString()).toBe(`${fake}still running`);
  });
  it('quotes the command with buildCommandLine inside fixed text', () => {
    const line = wrapCommand(['echo', "a'b", '$(x)'], { cwd: '/d x', env: { K: 'v w' } }, nonce);
    expect(line).toContain(`(cd '/d x' && env K='v w' echo 'a'\\''b' '$(x)') </dev/null 2>&3 3>&-`);
    expect(() => wrapCommand(['true'], {}, 'not hex!')).toThrow();
  });
});

describe('process tree', () => {
  const stat = [
    '100 (sh) S 1 100 100 0 -1',
    '101 (my (odd) name) S 100 100 100 0 -1',
    '102 (sleep) S 101 100 100 0 -1',
    '103 (daemon) S 1 100 100 0 -1',
    '200 (other) S 1 200 200 0 -1',
    '201 (child of other) S 200 200 200 0 -1',
  ].join('\n');
  it('reads pid, ppid and process group even with parentheses in names', () => {
    expect(parseProcStat(stat)[1]).toEqual({ pid: 101, ppid: 100, pgrp: 100 });
  });
  it('takes the root, its descendants and its process group, nothing else', () => {
    expect(processTree(parseProcStat(stat), 100).sort()).toEqual([100, 101, 102, 103]);
    expect(processTree(parseProcStat(stat), 201)).toEqual([201]);
  });
});

describe('adb devices -l', () => {
  it('reads network, usb and unauthorized entries (fields adbkit shifts for network devices)', () => {
    const text = [
      'List of devices attached',
      '127.0.0.1:41127        unauthorized transport_id:1',
      '127.0.0.1:42585        offline transport_id:2',
      '127.0.0.1:42597        device product:fake model:FakePixel device:fake transport_id:3',
      'R58M12ABCDE            device usb:1-1.2 product:pa3qxxx model:SM_S938B device:pa3q transport_id:7',
      'emulator-5554          no permissions (user in plugdev group; are your udev ' +
        'rules wrong?); see [http://developer.android.com/tools/device.html] usb:1-2',
      '',
    ].join('\n');
    expect(parseDeviceList(text)).toEqual([
      { serial: '127.0.0.1:41127', state: 'unauthorized', transportId: 1 },
      { serial: '127.0.0.1:42585', state: 'offline', transportId: 2 },
      {
        serial: '127.0.0.1:42597',
        state: 'device',
        product: 'fake',
        model: 'FakePixel',
        device: 'fake',
        transportId: 3,
      },
      {
        serial: 'R58M12ABCDE',
        state: 'device',
        usb: '1-1.2',
        product: 'pa3qxxx',
        model: 'SM_S938B',
        device: 'pa3q',
        transportId: 7,
      },
      {
        serial: 'emulator-5554',
        state:
          'no permissions (user in plugdev group; are your udev rules ' +
          'wrong?); see [http://developer.android.com/tools/device.html]',
        usb: '1-2',
      },
    ]);
  });
});

describe('adb devices -l: serials with spaces', () => {
  it('keeps repeated spaces in a serial exactly (the device is reached by that serial)', () => {
    // adb pads the serial to 22 columns ("%-22s %s"); the spaces inside it are the serial's own.
    const text = [
      'my  odd   serial       device product:x model:Y device:z transport_id:9',
      'x  y                   offline',
      '',
    ].join('\n');
    expect(parseDeviceList(text)).toEqual([
      { serial: 'my  odd   serial', state: 'device', product: 'x', model: 'Y', device: 'z', transportId: 9 },
      { serial: 'x  y', state: 'offline' },
    ]);
  });
});

describe('adb failures as DeviceErrors', () => {
  const failure = (text: string) => new Error(`Failure: '${text}'`);
  it('unwraps adbkit failure text to its first line', () => {
    expect(adbMessage(failure("device unauthorized.\nThis adb server's $ADB_VENDOR_KEYS is not set"))).toBe(
      'device unauthorized.',
    );
  });
  it('maps unauthorized, offline, missing and dropped connections to a message and a next step', () => {
    const unauthorized = toDeviceError('pixel', 'R58M', 'run `ls`', failure('device unauthorized.\nTry ...'));
    expect(unauthorized.message).toBe(
      "device pixel: R58M is unauthorized: the phone has not accepted this computer's adb key",
    );
    expect(unauthorized.hint).toMatch(/prompt on the phone, then run `bench devices`/);
    expect(toDeviceError('pixel', 'R58M', 'x', failure('device offline')).message).toBe(
      'device pixel: R58M is offline',
    );
    expect(toDeviceError('pixel', 'R58M', 'x', failure("device 'R58M' not found")).message).toBe(
      'device pixel: R58M is not attached to the adb server',
    );
    expect(
      toDeviceError('pixel', 'R58M', 'push m.onnx', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))
        .message,
    ).toBe('device pixel: lost the adb connection to R58M while trying to push m.onnx: read ECONNRESET');
  });
});

describe('pure modules', () => {
  it('the sys-thermal script is fixed text and takes no arguments', () => {
    expect(sysThermalArgv).toEqual(['sh', '-c', SYS_THERMAL_SCRIPT]);
    expect(Object.isFrozen(sysThermalArgv)).toBe(true);
  });
});
