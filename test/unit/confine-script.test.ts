// The device-side half of the work-folder rule, run by the real /bin/sh: `inside ROOT FOLDER` accepts
// folders below the work folder (existing or not, through links that stay inside) and reports the real
// path of a link that leads out, also for work folders whose names hold spaces, quotes or glob characters.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { insideFunction } from '../../src/transports/confine.js';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'nsb-confine-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function inside(root: string, folder: string, cwd = dir): { code: number | null; out: string } {
  const script = `${insideFunction}\ninside "$1" "$2"`;
  const r = spawnSync('sh', ['-c', script, 'sh', root, folder], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout };
}

describe.each(['work', "odd [*] 'name' $(x)"])('inside %j', (name) => {
  const base = join(dir, name.replace(/\W/g, '_'));
  const root = join(base, name);
  const elsewhere = join(base, 'elsewhere');
  mkdirSync(join(root, 'models', 'real'), { recursive: true });
  mkdirSync(elsewhere, { recursive: true });
  symlinkSync(elsewhere, join(root, 'models', 'out'));
  symlinkSync(join(root, 'models', 'real'), join(root, 'models', 'in'));
  // A sibling whose name starts like the work folder's: not inside it.
  mkdirSync(`${root}x`, { recursive: true });
  symlinkSync(`${root}x`, join(root, 'prefix'));

  it('accepts the folder itself, folders below it and links that stay inside', () => {
    const models = join(root, 'models');
    const folders = [root, models, join(models, 'new', 'deeper'), join(models, 'in', 'x')];
    for (const folder of folders) {
      expect(inside(root, folder), folder).toEqual({ code: 0, out: '' });
    }
  });

  it('reports the real path of a link that leads out, and of a look-alike sibling', () => {
    expect(inside(root, join(root, 'models', 'out', 'bundle'))).toEqual({ code: 1, out: elsewhere });
    expect(inside(root, join(root, 'prefix', 'a'))).toEqual({ code: 1, out: `${root}x` });
  });
});

describe('inside, other cases', () => {
  it('creates a missing work folder; relative paths are taken from the current folder', () => {
    mkdirSync(join(dir, 'login'), { recursive: true });
    expect(inside('nsb-work', 'nsb-work/models/b', join(dir, 'login'))).toEqual({ code: 0, out: '' });
    expect(inside('nsb-work', 'other/b', join(dir, 'login'))).toEqual({ code: 1, out: join(dir, 'login') });
  });

  it('a work folder that cannot be created: code 2 and the reason', () => {
    writeFileSync(join(dir, 'blocker'), 'a file');
    const r = inside(join(dir, 'blocker', 'work'), join(dir, 'blocker', 'work', 'models'));
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/Not a directory/);
  });
});
