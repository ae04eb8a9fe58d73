// The fixed shell scripts the transport runs on the device. Each is a constant; everything variable
// (paths, pids, tool names) reaches it as a positional argument through `sh -c <script> sh args...`,
// quoted by buildCommandLine like any argv, so no value is ever pasted into a script. Each script
// does in one command what would otherwise cost one round trip (~130 ms) per file or fact.
// Written for POSIX sh: dash (Debian), bash (macOS /bin/sh), busybox ash.
import { insideFunction } from '../confine.js';
import { SYS_THERMAL_SCRIPT } from '../sys-thermal-script.js';

/** argv that runs `script` with `args` as $1, $2, ... */
export function scriptArgv(script: string, args: readonly string[] = []): string[] {
  return ['sh', '-c', script, 'sh', ...args];
}

/** OS name, machine, and the SHA-256 tool: sha256sum (Linux, busybox) or shasum (macOS), or none. */
export const probeScript = `uname -s
uname -m
if command -v sha256sum >/dev/null 2>&1; then echo sha256sum
elif command -v shasum >/dev/null 2>&1; then echo shasum
else echo none; fi`;

/**
 * $1: process group id (= pid of the session shell). TERM the group, wait up to 2 s, then KILL.
 * `kill -SIG -PGID` is the form dash, bash and busybox all accept.
 */
export const killScript = `p=$1
kill -TERM -"$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || exit 0
i=0
while [ "$i" -lt 20 ]; do
  kill -0 -"$p" 2>/dev/null || kill -0 "$p" 2>/dev/null || exit 0
  sleep 0.1
  i=$((i+1))
done
kill -KILL -"$p" 2>/dev/null
kill -KILL "$p" 2>/dev/null
exit 0`;

const hashFunction = `h() {
  case $tool in
    shasum) shasum -a 256 -- "$1" ;;
    *) sha256sum -- "$1" ;;
  esac
}
oneline() { printf '%s' "$1" | tr '\\n' ' '; }`;

/** One (folder, file) pair of the prepare scripts: $d and $f; `continue` ends it. */
const prepareItem = `if [ ! -d "$d" ]; then
    if ! e=$(mkdir -p -- "$d" 2>&1); then printf 'M\\t%s\\n' "$(oneline "$e")"; continue; fi
  fi
  if [ ! -w "$d" ]; then printf 'W\\n'; continue; fi
  if [ "$tool" != none ] && [ -f "$f" ]; then
    if s=$(h "$f" 2>&1); then printf 'H\\t%.65s\\n' "$s"; else printf 'R\\t%s\\n' "$(oneline "$s")"; fi
  else
    printf 'N\\n'
  fi`;

/**
 * $1: hash tool (probeScript's answer); then pairs of (folder, file). For each pair, one line:
 *   M<TAB>error   the folder could not be created
 *   W             the folder exists but is not writable
 *   H<TAB>digest  the file exists (sha256sum output, cut after the digest)
 *   R<TAB>error   the file exists but cannot be read
 *   N             no such file (or no hash tool: always copy)
 */
export const preparePushScript = `tool=$1; shift
${hashFunction}
while [ "$#" -ge 2 ]; do
  d=$1; f=$2; shift 2
  ${prepareItem}
done`;

/**
 * preparePushScript confined to a work folder, `$2`, checked before anything is created: one more
 * answer, `O<TAB>real path`, when a folder on the way is a symbolic link leading out of it.
 */
export const confinedPreparePushScript = `tool=$1; root=$2; shift 2
${hashFunction}
${insideFunction}
while [ "$#" -ge 2 ]; do
  d=$1; f=$2; shift 2
  p=$(inside "$root" "$d"); c=$?
  if [ "$c" = 1 ]; then printf 'O\\t%s\\n' "$(oneline "$p")"; continue; fi
  if [ "$c" != 0 ]; then printf 'M\\t%s\\n' "$(oneline "$p")"; continue; fi
  ${prepareItem}
done`;

/** $1: hash tool; then files. One line per file: H<TAB>digest, R<TAB>error, or N (missing). */
export const hashFilesScript = `tool=$1; shift
${hashFunction}
for f in "$@"; do
  if [ -f "$f" ]; then
    if s=$(h "$f" 2>&1); then printf 'H\\t%.65s\\n' "$s"; else printf 'R\\t%s\\n' "$(oneline "$s")"; fi
  else
    printf 'N\\n'
  fi
done`;

/** $1: folder. The POSIX `df -Pk` line for the file system holding it (KiB; 4th field free). */
export const diskFreeScript = `df -Pk -- "$1" 2>/dev/null | tail -n 1`;

/**
 * Sections start with `@@name`; device-facts.ts reads them. A backslash at the end of a line joins it to
 * the next in the template itself, so the device gets one line.
 */
export const linuxInfoScript = `echo @@uname-a; uname -a
echo @@uname-r; uname -r
echo @@uname-v; uname -v
echo @@uname-m; uname -m
echo @@os-release; cat /etc/os-release 2>/dev/null
echo @@dt-model; { tr -d '\\000' < /proc/device-tree/model; } 2>/dev/null; echo
echo @@dmi; cat /sys/class/dmi/id/sys_vendor /sys/class/dmi/id/product_name 2>/dev/null
echo @@cpuinfo; grep -E '^(model name|Hardware|Model|CPU implementer|CPU part)[[:space:]]*:' \
/proc/cpuinfo 2>/dev/null | sort -u
echo @@lscpu; lscpu 2>/dev/null | grep -E '^(Model name|Vendor ID):'
echo @@nproc; nproc 2>/dev/null || getconf _NPROCESSORS_ONLN`;

export const macosInfoScript = `echo @@sw_vers; sw_vers
echo @@brand; sysctl -n machdep.cpu.brand_string
echo @@hw-model; sysctl -n hw.model
echo @@uname-a; uname -a
echo @@uname-m; uname -m
echo @@ncpu; sysctl -n hw.ncpu`;

/**
 * Linux temperatures: the shared /sys/class/thermal script (sys-thermal-script.ts, also used for
 * Android and the local host), then, after a `@@cooling` line, one line per cooling device:
 *   cooling_deviceN<TAB>type<TAB>cur_state<TAB>max_state
 * Both in one command; the cooling states tell whether the kernel is throttling. The printf is one
 * line on the device: the backslash ending its first line joins the two in the template.
 */
export const linuxThermalScript = `${SYS_THERMAL_SCRIPT}
echo @@cooling
for c in /sys/class/thermal/cooling_device*; do
  [ -d "$c" ] || continue
  printf '%s\\t%s\\t%s\\t%s\\n' "\${c##*/}" "$(cat "$c/type" 2>/dev/null)" \
"$(cat "$c/cur_state" 2>/dev/null)" "$(cat "$c/max_state" 2>/dev/null)"
done
exit 0`;
