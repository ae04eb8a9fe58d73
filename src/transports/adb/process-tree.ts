// Which processes to kill when a command times out: the wrapper shell, everything below it, and its
// process group (adbd starts each shell in its own session). Read from `/proc/<pid>/stat` lines, where
// the command name is in parentheses and may itself hold spaces or parentheses.

export interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
}

export function parseProcStat(text: string): ProcEntry[] {
  const entries: ProcEntry[] = [];
  for (const line of text.split('\n')) {
    const close = line.lastIndexOf(')');
    if (close < 0) continue;
    const pid = Number.parseInt(line, 10);
    // After the name: state, ppid, pgrp, ...
    const rest = line
      .slice(close + 1)
      .trim()
      .split(/\s+/);
    const ppid = Number(rest[1]);
    const pgrp = Number(rest[2]);
    if (Number.isInteger(pid) && Number.isInteger(ppid) && Number.isInteger(pgrp)) entries.push({ pid, ppid, pgrp });
  }
  return entries;
}

/** `root`, its descendants and the members of its process group, root first. */
export function processTree(entries: readonly ProcEntry[], root: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of entries) {
    const list = children.get(e.ppid) ?? [];
    list.push(e.pid);
    children.set(e.ppid, list);
  }
  const out = new Set<number>([root]);
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (!out.has(child)) {
        out.add(child);
        queue.push(child);
      }
    }
  }
  for (const e of entries) {
    if (e.pgrp === root && root > 1) out.add(e.pid);
  }
  return [...out];
}
