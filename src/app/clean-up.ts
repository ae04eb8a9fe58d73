// The clean-up of a device session as a list of steps. Each step undoes one thing the session set up
// (the last one set up is undone first), every step runs even when one before it fails, and a step
// that fails becomes a line saying what was left behind: never an exception that would hide the
// run's own error, never lost.
import { errorMessage } from '../errors.js';

/** Undoes one thing; may return a problem line instead of throwing (a lock that stays behind). */
export type CleanUpStep = () => Promise<unknown> | unknown;

export class CleanUp {
  private readonly steps: { what: string; step: CleanUpStep }[] = [];

  /** `what` names the step in its problem line ("closing the connection: ..."). */
  add(what: string, step: CleanUpStep): void {
    this.steps.push({ what, step });
  }

  /** Runs every step once, last added first; returns what could not be cleaned up, one line each. */
  async run(): Promise<string[]> {
    const problems: string[] = [];
    for (const { what, step } of this.steps.splice(0).reverse()) {
      try {
        const problem = await step();
        if (typeof problem === 'string') problems.push(problem);
      } catch (error) {
        problems.push(`${what}: ${errorMessage(error)}`);
      }
    }
    return problems;
  }
}
