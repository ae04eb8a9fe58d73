// Device facts and Linux thermal readings from the output of the transport's fixed scripts.
import { describe, expect, it } from 'vitest';
import { linuxDeviceInfo, macosDeviceInfo, parseSections } from '../../src/transports/ssh/device-facts.js';
import { parseLinuxThermal } from '../../src/transports/ssh/linux-thermal.js';

// The sections linuxInfoScript prints on a Raspberry Pi 4 (Raspberry Pi OS, 64-bit).
const raspberryPi = `@@uname-a
Linux pi4 6.1.21-v8+ #1642 SMP PREEMPT Mon Apr  3 17:24:16 BST 2023 aarch64 GNU/Linux
@@uname-r
6.1.21-v8+
@@uname-v
#1642 SMP PREEMPT Mon Apr  3 17:24:16 BST 2023
@@uname-m
aarch64
@@os-release
PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"
NAME="Debian GNU/Linux"
VERSION_ID="11"
@@dt-model
Raspberry Pi 4 Model B Rev 1.4
@@dmi
@@cpuinfo
CPU implementer	: 0x41
CPU part	: 0xd08
Hardware	: BCM2835
Model		: Raspberry Pi 4 Model B Rev 1.4
@@lscpu
Vendor ID:                       ARM
Model name:                      Cortex-A72
@@nproc
4
`;

// A PC: no device tree, DMI and an x86 model name.
const pc = `@@uname-a
Linux box 6.8.0-45-generic #45-Ubuntu SMP PREEMPT_DYNAMIC x86_64 GNU/Linux
@@uname-r
6.8.0-45-generic
@@uname-v
#45-Ubuntu SMP PREEMPT_DYNAMIC
@@uname-m
x86_64
@@os-release
NAME="Ubuntu"
VERSION_ID="24.04"
@@dt-model

@@dmi
LENOVO
To Be Filled By O.E.M.
@@cpuinfo
model name	: AMD Ryzen 7 7840U w/ Radeon  780M Graphics
@@lscpu
@@nproc
16
`;

const mac = `@@sw_vers
ProductName:		macOS
ProductVersion:		14.4.1
BuildVersion:		23E224
@@brand
Apple M2 Pro
@@hw-model
Mac14,9
@@uname-a
Darwin mini.local 23.4.0 Darwin Kernel Version 23.4.0 root:xnu-10063.101.17~1/RELEASE_ARM64_T6020 arm64
@@uname-m
arm64
@@ncpu
12
`;

describe('device facts', () => {
  it('splits sections', () => {
    expect(parseSections('@@a\n1\n2\n@@b\n\n@@c\nx').get('a')).toBe('1\n2');
  });

  it('a Linux board names itself in the device tree', () => {
    expect(linuxDeviceInfo(raspberryPi)).toMatchObject({
      model: 'Raspberry Pi 4 Model B Rev 1.4',
      soc: 'BCM2835',
      os: 'Debian GNU/Linux 11 (bullseye)',
      build: '6.1.21-v8+ #1642 SMP PREEMPT Mon Apr  3 17:24:16 BST 2023',
      abi: 'aarch64',
      platform: 'linux',
      cpus: 4,
    });
  });

  it('a PC falls back to DMI, skipping placeholders, and to NAME VERSION_ID', () => {
    expect(linuxDeviceInfo(pc)).toMatchObject({
      model: 'LENOVO',
      soc: 'AMD Ryzen 7 7840U w/ Radeon  780M Graphics',
      os: 'Ubuntu 24.04',
      abi: 'x86_64',
      cpus: 16,
    });
  });

  it('a Mac reports sw_vers, the chip and the model identifier', () => {
    expect(macosDeviceInfo(mac)).toMatchObject({
      model: 'Mac14,9',
      soc: 'Apple M2 Pro',
      os: 'macOS 14.4.1',
      build: '23E224',
      abi: 'arm64',
      cpus: 12,
    });
  });
});

describe('Linux thermal', () => {
  // Zones in the shared sys-thermal format, then the cooling devices.
  it('reads zones through the shared parser and ignores fans', () => {
    const reading = parseLinuxThermal(
      [
        'cpu-thermal 48686',
        'acpitz 27800',
        'acpitz 29800',
        'bogus -273000',
        '@@cooling',
        'cooling_device0\tFan\t3\t5',
        'cooling_device1\tProcessor\t0\t10',
        '',
      ].join('\n'),
    );
    expect(reading.temperatures).toEqual({ 'cpu-thermal': 48.686, acpitz: 27.8, 'acpitz#2': 29.8 });
    expect(reading.throttling).toBe(false);
  });

  it('a CPU cooling device in a non-zero state is throttling', () => {
    const reading = parseLinuxThermal('cpu-thermal 85000\n@@cooling\ncooling_device0\tthermal-cpufreq-0\t2\t4\n');
    expect(reading).toMatchObject({
      temperatures: { 'cpu-thermal': 85 },
      throttling: true,
      status: 'cooling active: thermal-cpufreq-0=2',
    });
  });

  it('no thermal zones is an empty reading', () => {
    expect(parseLinuxThermal('@@cooling\n')).toEqual({ temperatures: {}, throttling: false });
  });
});
