// The one script that reads /sys/class/thermal on a device (Android over adb, Linux over SSH). It is
// fixed text and takes no arguments, so nothing from a profile or a user ever reaches the remote
// shell through it. It prints `<zone type> <raw temp>` per readable zone (zones whose temp cannot be
// read, e.g. disabled ones, are skipped); parse with devices/facts/sys-thermal.ts.

export const SYS_THERMAL_SCRIPT =
  'for z in /sys/class/thermal/thermal_zone*; do ' +
  '[ -r "$z/temp" ] || continue; ' +
  't=$(cat "$z/type" 2>/dev/null); [ -n "$t" ] || t=${z##*/}; ' +
  'v=$(cat "$z/temp" 2>/dev/null) || continue; ' +
  '[ -n "$v" ] && echo "$t $v"; ' +
  'done; true';

/** argv to hand to a Transport's exec(). */
export const sysThermalArgv: readonly string[] = Object.freeze(['sh', '-c', SYS_THERMAL_SCRIPT]);
