// The program of the long-lived shell each SSH device keeps: one plain `sh` per session channel,
// started once (its login shell's start-up files run once, not per command) and fed one request
// line per command.
//
// A request is `r <id> <command line>`, the command line quoted by quoteArg like any argument, so the
// shell's own parser reads exactly one request however many lines or quotes the command holds. The
// command runs as `sh -c` in a process group (or session) of its own, so a timeout can kill all it
// started; its stdin is /dev/null, so nothing it does can read the requests that follow; its stdout
// and stderr go to files and come back only after it ended, behind a header that gives their
// lengths. Nothing the command prints ever reaches the channel directly, so no output (binary, huge,
// without a final newline, or holding the sentinel itself) can be taken for a frame.
//
// Frames on the channel's stdout, each header starting with the per-session random sentinel:
//   <s> ready <method> <folder>      the shell is up; method: setsid | jobs | none (how groups are made)
//   <s> fail <reason>                 it could not start (no writable folder for the output;
//                                     `workdir <folder>\t<mkdir's error>` for the work folder)
//   <s> P <id> <pid>                  the command runs; <pid> leads its process group
//   <s> X <id> <status> <n> <m>       it ended with <status> ($? of wait: 128 + n for signal n),
//                                     followed by exactly <n> bytes of stdout and <m> of stderr
// Written for POSIX sh: dash (Debian), bash (macOS /bin/sh), busybox ash.
import { quoteArg } from '../quote.js';

/** What starts the shell channel: a plain non-login sh, reading its program from stdin. */
export const shellCommand = 'exec sh';

/**
 * The program, sent as the shell's first input. `$s` is the sentinel; `$d` a private folder for the
 * output files, removed when the shell ends (its stdin closes, or the session hangs up), with
 * `<workDir>/.shell` when no other shell still uses it.
 *
 * With a work folder, `$d` is `<workDir>/.shell/<pid>.<tag>` (a relative work folder lies in the login
 * folder, where the shell starts): one left behind by a crash or a killed sshd is inside the work
 * folder, where `bench devices --clean` removes it. Without one (a transport opened only to probe the
 * device, before any profile's work folder applies) it is made under `$TMPDIR`, `/tmp` or `$HOME`.
 * A work folder given but not writable is a failure, not a reason to write elsewhere.
 *
 * Output lost to a full disk: a capture file that cannot be created fails the redirection, so the
 * command never runs and its status is the shell's (non-zero); the message goes to the channel's
 * stderr. A write that fails half-way fails the command's own write (ENOSPC): a program that checks
 * its writes exits non-zero, but one that ignores the error can exit 0 with its output cut short, and
 * nothing cheap on the device can tell (the shell never sees the bytes; free space afterwards says
 * nothing about space during the run). The bytes that were written are returned as they are.
 *
 * While a command runs, a watcher waits on the shell's stdin (as fd 3: a background job's own stdin
 * is /dev/null), where nothing comes until the command ended: end of file there means the channel
 * closed (a dropped connection, an abandoned shell), and the watcher kills the command's group
 * (TERM, KILL 2 s later) instead of leaving it running on the device. The shell ends the watcher as
 * soon as the command ended, before it asks for more input, with KILL: a signal the shell traps
 * could reach the watcher before it dropped the shell's traps, and run them (the EXIT trap removes
 * the output folder).
 *
 * The header gives the output's lengths, and exactly that many bytes follow (`head -c`): a process
 * the command left behind may still be writing to `o`. The files are removed before the next command
 * opens new ones, so whatever such a process writes later goes nowhere anyone reads. Every fork
 * counts on a slow device: a command costs setsid and sh, the watcher, one wc, a head per output
 * that is not empty, and one rm.
 */
export function shellProgram(sentinel: string, folderTag: string, workDir?: string): string {
  return `s=${quoteArg(sentinel)}
t=${quoteArg(folderTag)}
${workDir === undefined ? tempFolderLines : workFolderLines(workDir)}
trap 'rm -rf "$d"; [ -z "$q" ] || rmdir "$q" 2>/dev/null' EXIT
trap 'exit 129' HUP
trap 'exit 141' PIPE
trap 'exit 143' TERM
exec 3<&0
g=none
if command -v setsid >/dev/null 2>&1; then g=setsid
else set -m 2>/dev/null; case $- in *m*) g=jobs ;; esac
fi
k() {
  kill -TERM -"$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null || return 0
  sleep 2
  kill -KILL -"$1" 2>/dev/null || kill -KILL "$1" 2>/dev/null
}
r() {
  [ -d "$d" ] || mkdir -p -m 700 "$d" 2>/dev/null
  if [ "$g" = setsid ]; then setsid sh -c 'eval "$1"' sh "$2" </dev/null >"$d/o" 2>"$d/e" 3<&- &
  else sh -c 'eval "$1"' sh "$2" </dev/null >"$d/o" 2>"$d/e" 3<&- &
  fi
  p=$!
  { read -r w <&3 || k "$p"; } >/dev/null 2>&1 &
  w=$!
  printf '%s P %s %s\\n' "$s" "$1" "$p"
  wait "$p"
  c=$?
  kill -KILL "$w" 2>/dev/null
  wait "$w" 2>/dev/null
  i=$1
  set -- $(cd "$d" && wc -c o e 2>/dev/null)
  n=0 m=0
  if [ "$2 $4" = 'o e' ]; then case "$1:$3" in *[!0-9:]* | :* | *:) ;; *) n=$1 m=$3 ;; esac; fi
  printf '%s X %s %s %s %s\\n' "$s" "$i" "$c" "$n" "$m"
  [ "$n" = 0 ] || head -c "$n" "$d/o"
  [ "$m" = 0 ] || head -c "$m" "$d/e"
  rm -f "$d/o" "$d/e"
}
printf '%s ready %s %s\\n' "$s" "$g" "$d"
`;
}

/** Makes `$d` under the temporary folder or the home folder: no work folder is known. */
const tempFolderLines = `d= q=
for b in "\${TMPDIR:-/tmp}" "$HOME"; do
  if mkdir -m 700 "$b/.nsb-shell.$$.$t" 2>/dev/null; then d=$b/.nsb-shell.$$.$t; break; fi
done
if [ -z "$d" ]; then
  printf '%s fail no writable folder for output in %s or %s\\n' "$s" "\${TMPDIR:-/tmp}" "$HOME"
  exit 1
fi`;

/** Makes `$d` as `<workDir>/.shell/<pid>.<tag>`, absolute, so a command's `cd` cannot move it. */
function workFolderLines(workDir: string): string {
  return `w=${quoteArg(workDir)}
case $w in /*) ;; *) w=$PWD/$w ;; esac
q=$w/.shell
d=$q/$$.$t
if ! e=$(mkdir -p "$w/.shell" 2>&1) || ! e=$(mkdir -m 700 "$d" 2>&1); then
  printf '%s fail workdir %s\\t%s\\n' "$s" "$w/.shell" "$(printf '%s\\n' "$e" | head -n 1)"
  exit 1
fi`;
}

/** One request: run `commandLine` (built by buildCommandLine) as command `id`. */
export function requestLine(id: number, commandLine: string): string {
  return `r ${id} ${quoteArg(commandLine)}\n`;
}
