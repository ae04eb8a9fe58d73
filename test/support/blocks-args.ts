// `bench blocks` argument lists the device suites share, so that each suite spells out only what it
// varies (the device, the stages, the rounds) and every suite measures the same small run the same way.

/** E1's four variants, three iterations in one round: the smallest run whose entries still hold several samples. */
export const E1_ONE_ROUND: readonly string[] = ['--stages', 'E1', '--iterations', '3', '--rounds', '1'];

/** `bench blocks` on the profile `device` of the folder `profiles`, into `out`; `flags` say what and how to measure. */
export function blocksOn(device: string, profiles: string, out: string, flags: readonly string[] = []): string[] {
  return ['blocks', '--device', device, '--profiles', profiles, ...flags, '--out', out];
}
