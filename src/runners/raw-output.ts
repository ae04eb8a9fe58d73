// Output a runner could not make sense of is kept on the host beside the journal, so the user can see
// exactly what the tool printed.
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import type { RunnerContext } from './types.js';

export function saveRawOutput(ctx: RunnerContext, label: string, stdout: string, stderr: string): string {
  const file = join(ctx.hostDir, `${label.replace(/[^A-Za-z0-9_.-]+/g, '_')}.${Date.now()}.txt`);
  writeFileAtomic(file, `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}\n`);
  return file;
}
