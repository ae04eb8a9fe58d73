// Debian's headless Chromium through playwright-core, started the one way the browser test, the
// report speed benchmark and the screenshot script all want it: offline and quiet (no background
// networking, updates or sync that would add requests or time), and without the sandbox a container
// running as root cannot give it.
import { chromium, type Browser } from 'playwright-core';

/** Where Debian's package puts it (scripts/ensure-system-deps.sh installs it). */
export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
