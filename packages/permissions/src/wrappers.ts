// Programs that run the command they are given, and how each one's own words end and the wrapped
// command's begin. Options are listed as written in each tool's manual: those that take a value
// (so `sudo -u rm ls` runs `ls`) and those that take none; an option in neither list may take a
// value, so the command could begin at any later word (unwrap.ts reads every such word as one).

/** How a wrapper's own words end and the wrapped command's begin. */
export interface Wrapper {
  /** Short and long options that take the next word as their value. */
  values?: readonly string[];
  /** Options known to take no value. */
  flags?: readonly string[];
  /** Plain words of the wrapper's own before the command (timeout's duration, taskset's mask). */
  operands?: number;
  /** Options whose value is a script to run. */
  scripts?: readonly string[];
  /** `NAME=value` words before the command are the wrapper's (env). */
  assignments?: boolean;
}

const words = (list: string): string[] => list.split(" ");

export const WRAPPERS: Record<string, Wrapper> = {
  sudo: {
    values: words("-u --user -g --group -h --host -p --prompt -C --close-from -D --chdir -r --role -t --type -U --other-user -T --command-timeout -R --chroot"),
    flags: words(
      "-A --askpass -b --background -B --bell -E --preserve-env -e --edit -H --set-home -i --login -K --remove-timestamp -k --reset-timestamp -l --list -n --non-interactive -P --preserve-groups -S --stdin -s --shell -v --validate",
    ),
  },
  doas: { values: ["-u", "-C"], flags: ["-n", "-s", "-L"] },
  env: {
    values: words("-u --unset -C --chdir"),
    flags: words("- -i --ignore-environment -0 --null -v --debug"),
    scripts: ["-S", "--split-string"],
    assignments: true,
  },
  command: { flags: ["-p", "-v", "-V"] },
  builtin: {},
  exec: { values: ["-a"], flags: ["-c", "-l"] },
  nohup: {},
  setsid: { flags: words("-c --ctty -f --fork -w --wait") },
  time: { values: words("-f --format -o --output"), flags: words("-p --portability -v --verbose -a --append -q --quiet") },
  nice: { values: ["-n", "--adjustment"] },
  ionice: { values: words("-c --class -n --classdata -p --pid -P --pgid -u --uid"), flags: ["-t", "--ignore"] },
  timeout: { values: words("-s --signal -k --kill-after"), flags: words("--foreground --preserve-status -v --verbose"), operands: 1 },
  stdbuf: { values: words("-i --input -o --output -e --error") },
  taskset: { flags: words("-a --all-tasks -c --cpu-list"), operands: 1 },
  chrt: { values: words("-T --sched-runtime -P --sched-period -D --sched-deadline"), flags: words("-a -b -d -e -f -i -o -r -R -m -v"), operands: 1 },
  flock: {
    values: words("-w --timeout -E --conflict-exit-code"),
    flags: words("-s --shared -x -e --exclusive -u --unlock -n --nb --nonblock -o --close -F --no-fork --verbose"),
    scripts: ["-c", "--command"],
    operands: 1,
  },
  xargs: {
    values: words("-I -i -a --arg-file -d --delimiter -E -e -L -l -n --max-args -P --max-procs -s --max-chars --process-slot-var"),
    flags: words("-0 --null -r --no-run-if-empty -t --verbose -p --interactive -x --exit -o --open-tty"),
  },
  busybox: {},
  caffeinate: { values: ["-t", "-w"], flags: ["-d", "-i", "-m", "-s", "-u"] },
  unbuffer: { flags: ["-p"] },
  // moreutils: run quietly unless it fails, run only if the input is not empty, run under a lock.
  chronic: { flags: ["-e", "-v"] },
  ifne: { flags: ["-n"] },
  lckdo: { flags: ["-w", "-W"], operands: 1 },
  chroot: { values: ["--userspec", "--groups"], flags: ["--skip-chdir"], operands: 1 },
  nsenter: { values: words("-t --target -S --setuid -G --setgid") },
  unshare: {},
  setpriv: {},
  prlimit: {},
  numactl: {},
  runuser: { values: words("-u --user -g --group -G --supp-group -s --shell"), scripts: ["-c", "--command"], flags: ["-l", "--login", "-m", "-p"] },
  su: { values: words("-s --shell -g --group -G --supp-group -w"), scripts: ["-c", "--command", "--session-command"], operands: 1 },
  pkexec: { values: ["--user"], flags: ["--keep-cwd", "--disable-internal-agent"] },
  strace: { values: words("-o -e -p -s -u -a -b -E -I -O -P -S -X") },
  ltrace: { values: words("-o -e -p -s -u -a -n -A -D -F -l -L -x") },
  valgrind: {},
  fakeroot: { values: ["-l", "--lib", "--faked", "-s", "-i"] },
  faketime: { flags: ["-f"], values: ["-m", "-p"], operands: 1 },
  firejail: {},
  torsocks: {},
  proxychains: { values: ["-f"], flags: ["-q"] },
  proxychains4: { values: ["-f"], flags: ["-q"] },
  "systemd-run": { values: words("-u --unit -p --property -E --setenv -M --machine --slice -d") },
  "xvfb-run": { values: words("-n --server-num -f --auth-file -e --error-file -s --server-args -p --xauth-protocol") },
  "dbus-launch": {},
  entr: { flags: words("-a -c -d -n -p -r -s -z") },
  catchsegv: {},
  script: { scripts: ["-c", "--command"], flags: ["-q", "--quiet", "-a", "--append", "-e", "--return", "-f", "--flush"] },
};

/** Wrappers that run only what they wrap: an allow rule need not cover them, only their command. */
export const TRANSPARENT = new Set(["time", "timeout", "nice", "nohup", "stdbuf", "command", "chronic"]);
