// bench pipeline's help: the measuring flags as bench blocks has them, with the pipeline's own defaults.
import { describe, expect, it } from 'vitest';
import { pipelineCommand } from '../../../src/cli/commands/pipeline.js';

describe('bench pipeline help', () => {
  it("says the entries take two rounds by default, not the profile's, and keeps the flags it does not set", () => {
    expect(pipelineCommand.help).toContain(
      '--rounds N         rounds over all entries in seeded random order (default 2);',
    );
    expect(pipelineCommand.help).not.toContain("the profile's, e.g. 4 on");
    expect(pipelineCommand.help).toContain('--threads N');
    expect(pipelineCommand.help).not.toMatch(/^ {2}--latent /m);
  });
});
