// list-devices-rock.json is a real `xcrun devicectl list devices` document, taken from the test of
// callstackincubator/rock (packages/platform-apple-helpers/src/lib/utils/__tests__/listDevices.test.ts).
// No public `device info details` capture was found: device-details-constructed.json and
// device-not-found-constructed.json are CONSTRUCTED samples, modelled on the list document's device
// entries and on devicectl's documented envelope ({"info": {...}, "result" | "error": {...}}).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import {
  parseDevicectlDeviceDetails,
  parseDevicectlDeviceList,
} from '../../../src/runners/devicectl-app/devicectl-json.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/outputs/devicectl/${name}`, import.meta.url), 'utf8');

describe('parseDevicectlDeviceList', () => {
  it('reads every device with model, name, OS version and UDID', () => {
    expect(parseDevicectlDeviceList(fixture('list-devices-rock.json'))).toEqual([
      {
        identifier: '3574FE69-1FBC-4320-9B68-6B21B329CF4E',
        udid: '00008112-000C18C00C41A01E',
        name: 'Apple Vision Pro',
        model: 'RealityDevice14,1',
        marketingName: 'Apple Vision Pro',
        hardwareModel: 'N301AP',
        deviceType: 'realityDevice',
        platform: 'xrOS',
        osVersion: '1.2',
        osBuild: '21O589',
        reality: 'physical',
        tunnelState: 'unavailable',
        pairingState: 'paired',
        developerMode: 'enabled',
      },
      {
        identifier: '6DEA7AA0-E7CE-4C2F-8706-43464FA2910D',
        udid: '00008110-00015D4E1439801E',
        name: 'my-iphone',
        model: 'iPhone14,2',
        marketingName: 'iPhone 13 Pro',
        hardwareModel: 'D63AP',
        deviceType: 'iPhone',
        platform: 'iOS',
        osVersion: '18.1.1',
        osBuild: '22B91',
        reality: 'physical',
        transport: 'wired',
        tunnelState: 'connected',
        pairingState: 'paired',
        developerMode: 'enabled',
        bootState: 'booted',
      },
    ]);
  });

  it("accepts the document after devicectl's own lines (--json-output /dev/stdout)", () => {
    const text = `10:42:17  Acquired tunnel connection to device.\nDevices:\n${fixture('list-devices-rock.json')}`;
    expect(parseDevicectlDeviceList(text)).toHaveLength(2);
  });

  it('keeps devices that carry only an identifier', () => {
    const text = '{"info":{"outcome":"success"},"result":{"devices":[{"identifier":"A"}]}}';
    expect(parseDevicectlDeviceList(text)).toEqual([{ identifier: 'A' }]);
  });
});

describe('parseDevicectlDeviceDetails', () => {
  it('reads the one device of `device info details`', () => {
    expect(parseDevicectlDeviceDetails(fixture('device-details-constructed.json'))).toEqual({
      identifier: '5B4C4E0B-0000-4000-8000-00000000A001',
      udid: '00008130-0000000000000001',
      name: 'Bench iPhone',
      model: 'iPhone16,1',
      marketingName: 'iPhone 15 Pro',
      hardwareModel: 'D83AP',
      deviceType: 'iPhone',
      platform: 'iOS',
      osVersion: '18.2',
      osBuild: '22C152',
      reality: 'physical',
      transport: 'wired',
      tunnelState: 'connected',
      pairingState: 'paired',
      developerMode: 'enabled',
      bootState: 'booted',
    });
  });

  it("reports a failed command with devicectl's description", () => {
    expect(() => parseDevicectlDeviceDetails(fixture('device-not-found-constructed.json'))).toThrow(
      /outcome "failed": The specified device was not found\. \(com\.apple\.dt\.CoreDeviceError 1000\)/,
    );
  });

  it('rejects the output of another command, a device without identifier, and non-JSON', () => {
    expect(() => parseDevicectlDeviceDetails(fixture('list-devices-rock.json'))).toThrow(
      /expected the output of devicectl.device.info.details/,
    );
    expect(() => parseDevicectlDeviceList(fixture('device-details-constructed.json'))).toThrow(
      /expected the output of devicectl.list.devices/,
    );
    expect(() =>
      parseDevicectlDeviceDetails('{"info":{"outcome":"success"},"result":{"deviceProperties":{}}}'),
    ).toThrow(/result.identifier/);
    expect(() => parseDevicectlDeviceList('{"info":{"outcome":"success"},"result":{}}')).toThrow(
      /result.devices is not an array/,
    );
    expect(() => parseDevicectlDeviceList('ERROR: Unable to connect')).toThrow(ParseError);
    expect(() => parseDevicectlDeviceList(fixture('list-devices-rock.json').slice(0, 500))).toThrow(/not JSON/);
  });
});
