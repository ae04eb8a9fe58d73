// A PNG of an HTML report as a browser shows it (headless Debian Chromium), e.g. for the README:
//   npx tsx scripts/screenshot.ts reports/pareto.html docs/images/pareto-local.png [width] [height]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../test/support/chromium.js';

const [html, png, width = '1280', height = '2400'] = process.argv.slice(2);
if (!html || !png) {
  process.stderr.write('usage: npx tsx scripts/screenshot.ts REPORT.html OUT.png [width] [height]\n');
  process.exit(3);
}
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) } });
  await page.goto(pathToFileURL(resolve(html)).href);
  await page.waitForTimeout(500);
  await page.screenshot({ path: resolve(png), fullPage: false });
  process.stdout.write(`wrote ${png}\n`);
} finally {
  await browser.close();
}
