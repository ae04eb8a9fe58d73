// A broken catalogue is refused when it is read, with the file and the key in the message.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/load.js';
import { catalogFailure as failure, editedCatalog, type Json } from '../../support/catalog-edits.js';

const broken = (edit: (c: Json) => void) => editedCatalog('block-variants/sd15-nanosd.json', edit, 'broken.json');

describe('catalogue validation', () => {
  it('a missing file', () => {
    expect(failure('/nonexistent/catalog.json').message).toMatch(/file not found/);
  });
  it('not JSON', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'nsb-cat-')), 'x.json');
    writeFileSync(file, '{"schemaVersion": 1,');
    expect(failure(file).message).toMatch(/not valid JSON/);
  });
  it('a unit kind that does not exist names the unit by its stage and name', () => {
    const e = failure(broken((c) => (c.stages[1].units[0].kind = 'resnett')));
    expect(e.key).toBe('stages.E2.units.R1.kind');
  });
  it('a variant naming a unit the stage does not have', () => {
    const e = failure(broken((c) => c.stages[0].variants[1].units.splice(1, 1, 'A9')));
    expect(e.key).toBe('stages.E1.variants.R-A-R');
    expect(e.message).toMatch(/unit 'A9' is not in the stage's units/);
  });
  it('units out of teacher order', () => {
    const e = failure(broken((c) => (c.stages[0].variants[3].units = ['R2', 'R1', 'Down'])));
    expect(e.message).toMatch(/out of teacher order/);
  });
  it('a variant that breaks the stage signature names stage, variant and tensor', () => {
    // E2 without its first ResNet: the 320-channel input reaches a unit expecting 640.
    const e = failure(broken((c) => c.stages[1].variants.push({ name: 'A-R-A', units: ['A1', 'R2', 'A2', 'Down'] })));
    expect(e.key).toBe('stages.E2.variants.A-R-A.units.A1');
    expect(e.message).toMatch(/expects 640 input channels but the tensor before it has 320/);
  });
  it('a skip with the wrong shape', () => {
    const e = failure(broken((c) => (c.tensors.s2.channels = 640)));
    expect(e.message).toMatch(/skip 's2'|concat tensor 's2'/);
  });
  it('a teacher that is not a variant', () => {
    const e = failure(broken((c) => (c.stages[2].teacher = 'R-A-R-A-R')));
    expect(e.key).toBe('stages.E3.teacher');
  });
  it('a reference to an undeclared tensor', () => {
    const e = failure(broken((c) => (c.stages[4].units[0].concat = 's99')));
    expect(e.key).toBe('stages.D2.units.R1.concat');
  });
  it('parts and stages that wait on each other in a circle name the circle', () => {
    // conv_in reads the noise conv_out writes, which needs D1, ..., which needs conv_in.
    const e = failure(broken((c) => (c.parts[0].input = 'eps')));
    expect(e.key).toBe('stages');
    expect(e.message).toMatch(/wait on each other in a circle.*: conv_in needs 'eps' from conv_out, /);
    expect(e.message).toMatch(/from conv_out, which needs 'd1' from D1, /);
    expect(e.message).toMatch(/, which needs 's0' from conv_in$/);
  });
  it('a reference count the units do not add up to', () => {
    const e = failure(broken((c) => (c.reference.teacher = 523_217_605)));
    expect(e.key).toBe('reference.teacher');
    expect(e.message).toMatch(/523,217,605 parameters, but the catalogue's units give 523,217,604 at width 1/);
  });
  it('a reference to a name that is not the teacher, a part or a stage variant', () => {
    expect(failure(broken((c) => (c.reference['E9.R'] = 1))).key).toBe('reference.E9.R');
  });
  it('reference counts of a part and of a variant are checked too', () => {
    // conv_in: 4 x 320 x 3 x 3 + 320.
    const right = broken((c) => (c.reference = { conv_in: 11_840, 'E1.R-A-R-A': 10_524_480 }));
    expect(() => loadCatalog(right)).not.toThrow();
    expect(failure(broken((c) => (c.reference = { conv_in: 11_841 }))).key).toBe('reference.conv_in');
  });
});

describe('catalogue names become file names (model store, device folders): none can leave its folder', () => {
  const hostile = ['..', '../../x', 'a/b', '.hidden', '/etc', 'a\\b', 'a\nb', ''];
  const edits: Record<string, (c: Json, name: string) => void> = {
    catalogue: (c, name) => (c.name = name),
    stage: (c, name) => (c.stages[0].name = name),
    variant: (c, name) => (c.stages[0].variants[0].name = name),
    unit: (c, name) => (c.stages[0].units[0].name = name),
    part: (c, name) => (c.parts[0].name = name),
  };
  for (const [what, edit] of Object.entries(edits)) {
    it.each(hostile)(`%j is refused as a ${what} name`, (name) => {
      const e = failure(broken((c) => edit(c, name)));
      expect(e.key).toMatch(/(^|\.)name$/);
      expect(e.message).toContain('letters, digits, _ . + - only (used in file names)');
    });
  }
});
