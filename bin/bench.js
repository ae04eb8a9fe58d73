#!/usr/bin/env node
// The `bench` command. The TypeScript sources are compiled to dist/ by `npm ci` (the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    'bench: dist/ is missing; run `npm ci` (or `npm run build`) in the nanosd-bench folder first.\n',
  );
  process.exit(3);
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));
// Exit once the output is flushed: a device that stopped answering can leave a connection or a
// timer behind that would otherwise keep the process alive.
await new Promise((resolve) => process.stdout.write('', resolve));
await new Promise((resolve) => process.stderr.write('', resolve));
process.exit(code);
