import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { asking, decide, mergeRules, protectedRules, type PermissionRules } from "../src/index.js";
import type { PermissionRequest } from "@subagent-mcp/contract";

// A path deny rule holds against the shell's spellings of the file: `$HOME`, globs that could
// name it, a `cd` to its folder first. A glob that cannot name it (`src/*.ts`) is no reason to ask;
// a value known only as the line runs (`$X`, `$(…)`) still is, where it could name a watched file.
const home = mkdtempSync(join(tmpdir(), "spellings-"));
const config = join(home, ".config", "subagent-mcp");
mkdirSync(config, { recursive: true });
writeFileSync(join(config, "fleet.key"), "k\n");
const cwd = join(home, "work");
mkdirSync(join(cwd, "src"), { recursive: true });
writeFileSync(join(cwd, "src", "a.ts"), "");
symlinkSync(join(home, ".config"), join(cwd, "linked"));
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

const shell = (command: string): PermissionRequest => ({ requestId: "r", tool: "Bash", kind: "shell", command, input: { command } });
const launchRules = mergeRules(protectedRules({ home, env: {} }), { allow: ["Bash"] });
const verdict = (command: string, rules: PermissionRules = launchRules): string => decide(shell(command), rules, { cwd, home, user: "ann" }).decision;

const DENIED = [
  "cat ~/.config/subagent-mcp/fleet.key",
  "cat $HOME/.config/subagent-mcp/fleet.key",
  "cat ${HOME}/.config/subagent-mcp/fleet.key",
  `cat "$HOME/.config/subagent-mcp/fleet.key"`,
  `cat "$HOME"/.config/'subagent-mcp'/fleet.key`,
  "cat ~ann/.config/subagent-mcp/fleet.key",
  "cat $PWD/../.config/subagent-mcp/fleet.key",
  "cat ~/.config/*/fleet.key",
  "cat ~/.config/subagent-mcp/fleet.k?y",
  "cat ~/.config/subagent-mcp/[f]leet.key",
  "cat ~/.config/subagent-mcp/*",
  "cat ~/.config/*/*",
  "cat ~/.config/subagent-mcp/{readme,fleet.key}",
  "cd ~/.config/subagent-mcp && cat fleet.key",
  "cd ~/.config/subagent-mcp; cat fleet.key",
  "cd $HOME/.config && cd subagent-mcp && cat fleet.key",
  "pushd ~/.config/subagent-mcp && base64 < fleet.key",
  "cd; cat .config/subagent-mcp/fleet.key",
  "cd ~/.config/subagent-mcp && cat $PWD/fleet.key",
  "cd ~/.config/subagent-mcp && sh -c 'cat fleet.key'",
  "cat linked/*/fleet.key",
  "cat */subagent-mcp/fleet.key",
  "echo x > ~/.config/*/fleet.key",
];

describe("a path deny rule holds against the shell's spellings of the file", () => {
  it.each(DENIED)("%s", (command) => {
    expect(verdict(command)).toBe("deny");
  });

  it("follows a cd only where it moves the shell: a subshell or a pipeline's command moves nothing after it", () => {
    expect(verdict("(cd ~/.config/subagent-mcp); cat fleet.key")).toBe("allow");
    expect(verdict("cd ~/.config/subagent-mcp | cat fleet.key")).toBe("allow");
    expect(verdict("cd src && cat a.ts")).toBe("allow");
  });

  it("a glob that cannot name a watched file is no reason to ask", () => {
    expect(verdict("cat src/*.ts")).toBe("allow");
    expect(verdict("wc -l src/**/*.ts src/{a,b}.ts")).toBe("allow");
    expect(verdict("cat ~/.config/*/fleet.key", { allow: ["Bash"], deny: ["Read(~/.ssh/**)"] })).toBe("allow");
    expect(verdict("rm -f build/$x.o", { allow: ["Bash"], deny: ["Edit(~/.config/subagent-mcp/fleet.key)"] })).toBe("allow");
  });

  it("a value known only as the line runs asks where it could name a watched file, and is not denied", () => {
    for (const command of ["cat $X/fleet.key", "cd $X && cat fleet.key", "cat $(echo x)", "ls $TMPDIR", "HOME=/tmp; cat $HOME/.config/subagent-mcp/fleet.key"])
      expect(verdict(command), command).toBe("ask");
    expect(verdict("cat $X/fleet.key", { allow: ["Bash"], deny: ["Read(~/.ssh/**)"] })).toBe("ask");
    expect(verdict("cat $X/notes.txt", { allow: ["Bash"], deny: ["Read(~/.config/subagent-mcp/fleet.key)"] })).toBe("allow");
  });

  it("holds under modes that ask nobody", () => {
    // The policy of a launch takes the user's home from the environment.
    const before = process.env.HOME;
    process.env.HOME = home;
    afterAll(() => {
      process.env.HOME = before;
    });
    for (const [mode, level] of [
      ["bypassPermissions", "bypassPermissions"],
      ["dontAsk", "default"],
    ] as const) {
      const policy = asking(mode, level, () => launchRules, cwd).permissionPolicy;
      for (const command of DENIED.filter((c) => !c.includes("~ann")))
        expect(policy?.(shell(command), { cwd }), `${mode}: ${command}`).toMatchObject({ decision: "deny" });
      expect(policy?.(shell("cat src/*.ts"), { cwd })).toMatchObject({ decision: "allow" });
      expect(policy?.(shell("ls $TMPDIR"), { cwd })).toMatchObject({ decision: "allow" });
    }
  });
});
