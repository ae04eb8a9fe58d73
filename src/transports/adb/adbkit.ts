// @devicefarmer/adbkit is CommonJS with `exports.default = Adb`. Node's ESM loader hands back the
// whole `module.exports` (so the class is at `.default`), while loaders that honour `__esModule`
// (vite/vitest) hand back the class itself. Both work through this one import.
import adbkit from '@devicefarmer/adbkit';

type AdbClass = typeof adbkit.default;

export const Adb: AdbClass = (adbkit as unknown as { default?: AdbClass }).default ?? (adbkit as unknown as AdbClass);
