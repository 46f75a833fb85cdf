import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { readStat } from "@subagent-mcp/state";

/**
 * The guardian: one small /bin/sh per process that starts CLIs (server or worker), holding the read
 * end of a pipe from it. We write `+ PID START` for each CLI started and `- PID` when it ended. When
 * the pipe ends, because we exited however we died (SIGKILL, OOM, a crash), it freezes every CLI
 * still recorded (same pid and start time, so never a recycled pid), walks their trees by parent
 * and group in /proc until nothing new appears, and SIGKILLs them all; then it exits. Without /proc
 * it kills the recorded process groups. dash: about 1 MB resident, no CPU while it waits.
 */
export const GUARDIAN_SCRIPT = `
roots=
while read -r op pid start; do
  case $op in
    +) roots="$roots $pid:$start" ;;
    -) kept=; for r in $roots; do [ "\${r%%:*}" = "$pid" ] || kept="$kept $r"; done; roots=$kept ;;
  esac
done
fields() { line=; read -r line 2>/dev/null < "/proc/$1/stat" || return 1; rest=\${line##*") "}; }
ids=; groups=
for r in $roots; do
  pid=\${r%%:*}
  if [ ! -d /proc/self ]; then kill -s KILL -- "-$pid" "$pid" 2>/dev/null
  elif fields "$pid"; then set -- $rest; [ "\${20}" = "\${r#*:}" ] && { ids="$ids $pid"; groups="$groups -$pid"; }
  fi
done
[ -n "$ids" ] || exit 0
kill -s STOP -- $groups 2>/dev/null
members() {
  found=" "; grew=1
  while [ $grew = 1 ]; do
    grew=0
    for d in /proc/[0-9]*; do
      p=\${d#/proc/}
      case "$found" in *" $p "*) continue ;; esac
      fields "$p" || continue
      set -- $rest
      [ "$1" = Z ] && continue
      case " $ids $found" in *" $p "*|*" $2 "*|*" $3 "*) found="$found$p "; grew=1 ;; esac
    done
  done
}
members; prev=; round=0
while [ "$found" != "$prev" ] && [ $round -lt 10 ]; do
  kill -s STOP $found 2>/dev/null; prev=$found; round=$((round + 1)); members
done
kill -s KILL -- $groups $found 2>/dev/null
`;

const recorded = new Map<number, string>();
let guardian: ChildProcess | undefined;
let unavailable = false;

// Starts the guardian on first use (a server that never launches pays nothing) and tells it every
// CLI recorded so far, so a guardian that was killed is replaced without losing any.
function ensureGuardian(): void {
  if (guardian !== undefined || unavailable) return;
  let child: ChildProcess;
  try {
    // Its own session: a signal to our process group (Ctrl-C, a host killing the group) leaves it to do its job.
    child = spawn("/bin/sh", ["-c", GUARDIAN_SCRIPT], { stdio: ["pipe", "ignore", "ignore"], detached: true });
  } catch {
    unavailable = true;
    return;
  }
  child.on("error", () => {
    unavailable = true;
    if (guardian === child) guardian = undefined;
  });
  child.on("exit", () => {
    if (guardian === child) guardian = undefined;
  });
  child.stdin?.on("error", () => undefined);
  // Neither the guardian nor its pipe may keep us alive.
  child.unref();
  (child.stdin as unknown as Socket | null)?.unref();
  guardian = child;
  for (const [pid, start] of recorded) child.stdin?.write(`+ ${pid} ${start}\n`);
}

/** Puts a freshly spawned CLI (the leader of its own process group) under the guardian's watch. */
export function guard(pid: number): void {
  const start = readStat(pid)?.start ?? "0";
  recorded.set(pid, start);
  // A guardian started now is told about every recorded CLI, this one included.
  if (guardian === undefined) ensureGuardian();
  else guardian.stdin?.write(`+ ${pid} ${start}\n`);
}

/** The CLI ended: the guardian forgets it, so its pid can never be mistaken later. */
export function unguard(pid: number): void {
  if (!recorded.delete(pid)) return;
  guardian?.stdin?.write(`- ${pid}\n`);
}
