// `devicectl device info apps --json-output` documents (verbatim test data of flutter_tools, see
// test/fixtures/outputs/README.md): the app found, not found, and the command failing.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/errors.js';
import { parseDevicectlAppList } from '../../../src/runners/devicectl-app/devicectl-json.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/outputs/devicectl/${name}`, import.meta.url), 'utf8');

describe('parseDevicectlAppList', () => {
  it('reads the installed app with its versions', () => {
    expect(parseDevicectlAppList(fixture('info-apps-found-flutter.json'))).toEqual([
      { bundleIdentifier: 'com.example.flutterApp', name: 'Bundle', version: '1.0.0', bundleVersion: '1' },
    ]);
  });

  it('an empty list when the bundle id matches no app', () => {
    expect(parseDevicectlAppList(fixture('info-apps-none-flutter.json'))).toEqual([]);
  });

  it("a failed command is a ParseError carrying devicectl's description", () => {
    expect(() => parseDevicectlAppList(fixture('info-apps-failed-flutter.json'))).toThrow(
      /outcome "failed": The specified device was not found\. \(com\.apple\.dt\.CoreDeviceError 1000\)/,
    );
  });

  it('refuses the output of another devicectl command and an app without a bundle id', () => {
    expect(() => parseDevicectlAppList(fixture('list-devices-rock.json'))).toThrow(
      /expected the output of devicectl\.device\.info\.apps/,
    );
    const found = fixture('info-apps-found-flutter.json');
    const broken = found.replace('"bundleIdentifier" : "com.example.flutterApp",', '');
    expect(() => parseDevicectlAppList(broken)).toThrow(ParseError);
    expect(() => parseDevicectlAppList(broken)).toThrow(/result\.apps\.0\.bundleIdentifier/);
  });
});
