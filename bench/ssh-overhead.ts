// What the ssh transport costs, measured against a local OpenSSH sshd (the same test bed as
// test/integration/ssh-*.test.ts): connect time, per-command overhead over the kept connection,
// SFTP push throughput, and the cost of a push that the sha256 check skips.
//
//   npx tsx bench/ssh-overhead.ts [--runs 20] [--mib 64]
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createSshTransport } from '../src/transports/ssh/index.js';
import { startSshd } from '../test/support/sshd.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, mib: { type: 'string', default: '64' } },
});
const runs = Number(values.runs);
const mib = Number(values.mib);

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return `median ${q(0.5).toFixed(1)} ms (min ${sorted[0]!.toFixed(1)}, p90 ${q(0.9).toFixed(1)}, n=${sorted.length})`;
}

const sshd = await startSshd();
try {
  let t0 = performance.now();
  const transport = await createSshTransport(sshd.transportSpec, { profile: 'bench' });
  console.log(`connect (handshake + login):      ${(performance.now() - t0).toFixed(1)} ms`);

  await transport.exec(['true']);
  const execs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    const r = await transport.exec(['true']);
    if (r.exitCode !== 0) throw new Error(`true exited ${r.exitCode}`);
    execs.push(performance.now() - s);
  }
  console.log(`exec \`true\` on the kept connection: ${summary(execs)}`);

  const file = join(sshd.dir, 'payload.bin');
  writeFileSync(file, randomBytes(mib << 20));
  const remote = join(sshd.dir, 'device', 'payload.bin');
  // Hash the local file once first, so the timings below are the transfer and the remote check.
  await transport.push(file, join(sshd.dir, 'warm', 'payload.bin'));
  t0 = performance.now();
  const first = await transport.push(file, remote);
  const pushMs = performance.now() - t0;
  console.log(
    `push ${mib} MiB (new file):           ${pushMs.toFixed(0)} ` +
      `ms, ${(mib / (pushMs / 1000)).toFixed(1)} MiB/s, skipped=${first.skipped}`,
  );
  t0 = performance.now();
  const second = await transport.push(file, remote);
  console.log(
    `push ${mib} MiB again (sha256 equal):  ${(performance.now() - t0).toFixed(0)} ms, skipped=${second.skipped}`,
  );
  console.log(`connections used: ${transport.stats().connects} (sshd saw ${sshd.connectionCount()})`);
  await transport.close();
} finally {
  await sshd.stop();
}
