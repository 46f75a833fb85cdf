import { describe, expect, it } from "vitest";
import { decide, ruleFor, type PermissionRules } from "../src/index.js";
import type { PermissionRequest } from "@subagent-mcp/contract";

// Shell commands as the shell runs them: quoting, wrappers and compound syntax never hide a
// command from a deny rule, an allow rule vouches only for what it covers, and a line that cannot
// be read in full asks.

const ctx = { cwd: "/work/repo", home: "/home/ann" };
const shell = (command: string): PermissionRequest => ({ requestId: "r", tool: "Bash", kind: "shell", command, input: {} });
const verdict = (command: string, rules: PermissionRules): string => decide(shell(command), rules, ctx).decision;

describe("a deny rule for a command holds whatever the line looks like", () => {
  const rules = { allow: ["Bash"], deny: ["Bash(rm:*)"] };
  it.each([
    `"rm" victim.txt`,
    `\\rm victim.txt`,
    `r""m victim.txt`,
    `'r'm victim.txt`,
    `/bin/rm victim.txt`,
    `sh -c 'rm victim.txt'`,
    `/bin/bash -lc 'rm -rf victim.txt'`,
    `zsh -c "cd x && rm y"`,
    `bash -c "sh -c 'rm y'"`,
    `find . -name '*.tmp' -exec rm {} \\;`,
    `find . -execdir rm -f {} +`,
    `env -u HOME rm victim.txt`,
    `env FOO=1 rm victim.txt`,
    `env -S 'rm victim.txt'`,
    `sudo -u root rm victim.txt`,
    `sudo -- rm victim.txt`,
    `doas rm victim.txt`,
    `xargs rm < list.txt`,
    `ls | xargs -n 1 rm`,
    `nice -n 5 rm victim.txt`,
    `timeout 5 rm victim.txt`,
    `timeout -s KILL 5s rm victim.txt`,
    `nohup rm victim.txt &`,
    `command rm victim.txt`,
    `exec rm victim.txt`,
    `busybox rm victim.txt`,
    `stdbuf -o0 rm victim.txt`,
    `watch -n 1 rm victim.txt`,
    `flock /tmp/lock rm victim.txt`,
    `eval 'rm victim.txt'`,
    `X=1 rm victim.txt`,
    `echo $(rm victim.txt)`,
    "echo `rm victim.txt`",
    `echo "$(rm victim.txt)"`,
    `a=$(rm victim.txt)`,
    `(rm victim.txt)`,
    `{ rm victim.txt; }`,
    `true && rm victim.txt`,
    `false || rm victim.txt`,
    `ls; rm victim.txt`,
    `if true; then rm victim.txt; fi`,
    `for f in a b; do rm "$f"; done`,
    `while false; do rm x; done`,
    `case x in x) rm victim.txt;; esac`,
    `f() { rm victim.txt; }; f`,
    `rm\tvictim.txt`,
    `! rm victim.txt`,
    `time rm victim.txt`,
    `sudo env -u X nice rm victim.txt`,
  ])("%s", (command) => {
    expect(verdict(command, rules)).toBe("deny");
  });

  it("names a git subcommand through git's own options", () => {
    const push = { allow: ["Bash"], deny: ["Bash(git push:*)"] };
    expect(verdict("git -C . push origin main", push)).toBe("deny");
    expect(verdict("git --no-pager push", push)).toBe("deny");
    expect(verdict("git --git-dir=.git push", push)).toBe("deny");
    expect(verdict("git -C . status", push)).toBe("allow");
  });

  it("is not fooled by an option's value that looks like a program", () => {
    expect(verdict("env -u rm ls", rules)).toBe("allow");
    expect(verdict("sudo -u rm ls", rules)).toBe("allow");
    expect(verdict("echo rm", rules)).toBe("allow");
  });
});

describe("a line that cannot be read in full asks while a rule watches", () => {
  const rules = { allow: ["Bash"], deny: ["Bash(rm:*)"] };
  it.each([
    [`bash ./cleanup.sh`, "script file"],
    [`source ./cleanup.sh`, "script file"],
    [`echo rm victim.txt | sh`, "input"],
    [`cat <(ls)`, "cannot be read"],
    [`git -c alias.x='!rm victim.txt' x`, "git -c"],
  ])("%s", (command, why) => {
    const outcome = decide(shell(command), rules, ctx);
    expect(outcome.decision).toBe("ask");
    expect(outcome.why).toContain(why);
  });

  it("with no deny or ask rule, an allowed Bash stays allowed", () => {
    expect(verdict("$CMD victim.txt", { allow: ["Bash"] })).toBe("allow");
    expect(verdict("bash ./build.sh", { allow: ["Bash"] })).toBe("allow");
  });
});

describe("allow rules vouch only for what they cover", () => {
  const rules = { allow: ["Bash(npm test:*)", "Bash(npm run lint:*)", "Bash(find:*)", "Bash(sudo:*)"] };
  it("every command of a list must be covered, each by some rule", () => {
    expect(verdict("npm test && npm run lint", rules)).toBe("allow");
    expect(decide(shell("npm test && npm run lint"), rules, ctx).rule).toBe("Bash(npm test:*) + Bash(npm run lint:*)");
    expect(verdict("npm test && rm -rf /", rules)).toBe("ask");
    expect(verdict("npm test | tee out", rules)).toBe("ask");
  });

  it("a wrapper's allow does not cover what it wraps", () => {
    expect(verdict("find . -exec rm {} ;", rules)).toBe("ask");
    expect(verdict("find . -name x", rules)).toBe("allow");
    expect(verdict("sudo rm x", rules)).toBe("ask");
  });

  it("redirections to files are not covered; /dev/null and descriptor copies are", () => {
    expect(verdict("npm test > out.txt", rules)).toBe("ask");
    expect(verdict("npm test < in.txt", rules)).toBe("ask");
    expect(verdict("npm test 2>/dev/null", rules)).toBe("allow");
    expect(verdict("npm test 2>&1", rules)).toBe("allow");
  });
});

describe("path rules stand guard over the files a command names", () => {
  it("a Read deny refuses reading the file through the shell", () => {
    const rules = { allow: ["Bash"], deny: ["Read(./.env)"] };
    for (const command of ["cat ./.env", "cat .env", "grep KEY .env", "cat < .env", "head -n 1 /work/repo/.env", "sh -c 'cat .env'", "cp .env /tmp/x"])
      expect(verdict(command, rules), command).toBe("deny");
    expect(verdict("cat README.md", rules)).toBe("allow");
    // A glob that could name the file is held as the file; a variable's value is known only as it runs.
    expect(verdict("cat .en*", rules)).toBe("deny");
    expect(verdict("cat src/*.ts", rules)).toBe("allow");
    expect(verdict("cat $F", rules)).toBe("ask");
  });

  it("an Edit deny refuses changing the files but not reading them", () => {
    const rules = { allow: ["Bash"], deny: ["Edit(src/**)"] };
    expect(verdict("cat src/a.ts", rules)).toBe("allow");
    expect(verdict("rm src/a.ts", rules)).toBe("deny");
    expect(verdict("sed -i s/a/b/ src/a.ts", rules)).toBe("deny");
    expect(verdict("echo x > src/a.ts", rules)).toBe("deny");
  });
});

describe("transparent wrappers", () => {
  const rules = { allow: ["Bash(npm test:*)"] };
  it("an allow rule covers a command inside sh -c, timeout, nice, time and nohup, not under sudo, env or xargs", () => {
    for (const command of [
      `/bin/bash -lc 'npm test'`,
      `sh -c "npm test -- --ci"`,
      `timeout 60 npm test`,
      `nice -n 5 npm test`,
      `time npm test`,
      `nohup npm test`,
    ])
      expect(verdict(command, rules), command).toBe("allow");
    for (const command of [`sudo npm test`, `env LD_PRELOAD=x npm test`, `echo x | xargs npm test`, `bash --rcfile ./x -c 'npm test'`, `sh -c ''`, `timeout 5`])
      expect(verdict(command, rules), command).toBe("ask");
  });

  it("allow_always remembers the command a shell wrapper runs", () => {
    expect(ruleFor(shell(`/bin/bash -lc 'npm test -- --ci'`), ctx)).toBe("Bash(npm test:*)");
    expect(ruleFor(shell(`/bin/bash -lc 'npm test && rm x'`), ctx)).toBe("Bash(/bin/bash -lc 'npm test && rm x')");
  });
});

describe("an allow rule names a program as written", () => {
  it("never covers another program of the same name", () => {
    expect(verdict("./rm x", { allow: ["Bash(rm:*)"] })).toBe("ask");
    expect(verdict("/tmp/evil/npm test", { allow: ["Bash(npm test:*)"] })).toBe("ask");
    expect(verdict(`/bin/bash -lc './build.sh --fast'`, { allow: ["Bash(./build.sh --fast)"] })).toBe("allow");
  });
});
