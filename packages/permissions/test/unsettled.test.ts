import { describe, expect, it } from "vitest";
import { decide, type PermissionRules } from "../src/index.js";
import type { PermissionRequest } from "@subagent-mcp/contract";

// A program word settled only as the line runs (a glob, a substitution, a variable, braces) and
// wrappers spelled with options we know or do not: a deny rule holds against every program the
// line could run, and nothing of that kind is allowed by an allow rule.

const ctx = { cwd: "/work/repo", home: "/home/ann" };
const shell = (command: string): PermissionRequest => ({ requestId: "r", tool: "Bash", kind: "shell", command, input: {} });
const outcome = (command: string, rules: PermissionRules): ReturnType<typeof decide> => decide(shell(command), rules, ctx);
const verdict = (command: string, rules: PermissionRules): string => outcome(command, rules).decision;

describe("a program word that could be the denied program is denied", () => {
  const rules = { allow: ["Bash"], deny: ["Bash(rm:*)"] };
  it.each([
    `/bin/r? -f x`,
    `r[m] -f x`,
    `/usr/bin/r* -f x`,
    `r? x`,
    `?? x`,
    `* x`,
    `[a-z]m x`,
    `[!a]m x`,
    `R? x`,
    `\\rm -f x`,
    `'r''m' -f x`,
    `"$(echo rm)" -f x`,
    `$(echo rm) -f x`,
    "`echo rm` -f x",
    `$CMD -f x`,
    `\${CMD} x`,
    `r$X x`,
    `\${X:-/bin/rm} x`,
    `"$D"/r? x`,
    `{rm,x} -f x`,
    `sudo /bin/r? x`,
    `nohup r[m] x`,
    `sh -c '/bin/r? x'`,
    `true && /usr/bin/r* x`,
  ])("%s", (command) => {
    expect(verdict(command, rules)).toBe("deny");
  });

  it("matches the program only, whatever the rule says of the arguments (they are unknown too)", () => {
    expect(verdict(`/bin/r? x`, { allow: ["Bash"], deny: ["Bash(rm -rf:*)"] })).toBe("deny");
    expect(verdict(`"$D"/rm x`, { allow: ["Bash"], deny: ["Bash(rm -rf:*)"] })).toBe("deny");
  });

  it("a glob that cannot name the denied program asks, and so does a command it may wrap", () => {
    expect(verdict(`l? x`, rules)).toBe("ask");
    expect(verdict(`/bin/l[s] x`, rules)).toBe("ask");
    expect(outcome(`n?ce rm x`, rules)).toMatchObject({ decision: "deny", rule: "Bash(rm:*)" });
  });

  it("is not fooled by the test program or a glob among the arguments", () => {
    expect(verdict(`[ -f x ] && echo y`, rules)).toBe("allow");
    expect(verdict(`ls *.txt`, { allow: ["Bash(ls:*)"] })).toBe("allow");
  });
});

describe("wrappers are read through, whatever their options", () => {
  const rules = { allow: ["Bash"], deny: ["Bash(rm:*)"] };
  it.each([
    `chronic rm -f x`,
    `chronic -e rm x`,
    `ifne rm x`,
    `nice -n5 rm x`,
    `nice -5 rm x`,
    `nice --adjustment=5 rm x`,
    `nohup -- rm x`,
    `timeout --foreground 5 rm x`,
    `timeout -v -k 1 5 rm x`,
    `time -p rm x`,
    `env -i rm x`,
    `env - rm x`,
    `env --ignore-environment A=1 rm x`,
    `stdbuf -oL rm x`,
    `ionice -c2 -n7 rm x`,
    `setsid -w rm x`,
    `xargs -0 rm`,
    `xargs -0 -I{} rm {}`,
    `sudo -E rm x`,
    `sudo -iu root rm x`,
    `sudo --preserve-env=PATH rm x`,
    `sudo --some-new-option value rm x`,
    `sudo -Z value rm x`,
    `doas -n rm x`,
    `command -p rm x`,
    `builtin rm x`,
    `exec -l rm x`,
    `busybox rm x`,
    `flock -x /tmp/lock rm x`,
    `unbuffer -p rm x`,
    `caffeinate -i rm x`,
    `chroot / rm x`,
    `su -c 'rm x'`,
    `runuser -u ann -- rm x`,
    `strace -f -o /dev/null rm x`,
    `chronic nice -n 5 timeout 10 rm x`,
  ])("%s", (command) => {
    expect(verdict(command, rules)).toBe("deny");
  });

  it("an option's value that looks like a program is still read as one", () => {
    expect(verdict("sudo -u rm ls", rules)).toBe("allow");
    expect(verdict("sudo -iu rm ls", rules)).toBe("allow");
    expect(verdict("env -u rm ls", rules)).toBe("allow");
  });
});

describe("a program we do not know that is given a denied command asks", () => {
  it("asks, saying what it may run", () => {
    const rules = { allow: ["Bash"], deny: ["Bash(rm:*)"] };
    const result = outcome(`mywrap --quiet rm -f x`, rules);
    expect(result.decision).toBe("ask");
    expect(result.why).toContain("mywrap may run rm -f x");
  });

  it("only when the words would be covered by the rule, and not for programs that run nothing", () => {
    const rules = { allow: ["Bash"], deny: ["Bash(rm -rf:*)"] };
    expect(verdict(`mywrap rm -rf x`, rules)).toBe("ask");
    expect(verdict(`mywrap rm x`, rules)).toBe("allow");
    expect(verdict(`echo rm -rf x`, rules)).toBe("allow");
    expect(verdict(`grep "rm -rf" x`, rules)).toBe("allow");
    expect(verdict(`git rm -rf x`, rules)).toBe("allow");
  });
});

describe("an allow rule never covers a program settled only as it runs", () => {
  it.each([
    [`l? x`, ["Bash(ls:*)", "Bash(l*)"]],
    [`/bin/l[s] x`, ["Bash(ls:*)", "Bash(/bin/l*)"]],
    [`$(echo npm) test`, ["Bash(npm test:*)", "Bash(echo:*)"]],
    [`n?m test`, ["Bash(npm test:*)", "Bash(n*)"]],
  ])("%s", (command, allow) => {
    expect(verdict(command, { allow })).toBe("ask");
  });

  it("a transparent wrapper's known flags keep the allow; an unknown option asks", () => {
    const rules = { allow: ["Bash(npm test:*)"] };
    expect(verdict(`time -p npm test`, rules)).toBe("allow");
    expect(verdict(`timeout --foreground 60 npm test`, rules)).toBe("allow");
    expect(verdict(`chronic npm test`, rules)).toBe("allow");
    expect(verdict(`timeout --new-option 60 npm test`, rules)).toBe("ask");
  });
});
