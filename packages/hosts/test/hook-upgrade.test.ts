import { describe, expect, it } from "vitest";
import { hostAdapter, HOSTS, type Host } from "../src/registry.js";
import { hooksOf } from "./hosts.js";

const CMD = "/usr/bin/node /x/main.js";
// The sub-agent guard as it reads in a settings file (JSON and TOML strings escape its quotes alike).
const GUARD_IN_FILE = '[ \\"${SUBAGENT_MCP_DEPTH:-0}\\" -gt 0 ] 2>/dev/null && exit 0; exec ';

// Each host's settings with a hook of the user's own, which setup, update and uninstall leave alone.
const USER: Partial<Record<Host, string>> = {
  claude: '{\n  "hooks": {\n    "PreToolUse": [{ "matcher": "Bash", "hooks": [{ "type": "command", "command": "my-guard" }] }]\n  }\n}\n',
  gemini: '{\n  "hooks": {\n    "BeforeTool": [{ "matcher": "run_shell_command", "hooks": [{ "type": "command", "command": "my-guard" }] }]\n  }\n}\n',
  codex: '[[hooks.PreToolUse]]\nmatcher = "Bash"\n[[hooks.PreToolUse.hooks]]\ntype = "command"\ncommand = "my-guard"\n',
};

describe("hook entries an earlier setup wrote (the bare command, without the sub-agent guard)", () => {
  for (const host of HOSTS.filter((h) => hostAdapter(h).hooks !== undefined)) {
    it(`${host}: are read back as ours, replaced by an upgrade, and taken out by uninstall`, () => {
      const hooks = hooksOf(host);
      const path = `/h/${host}/config`;
      const user = USER[host] ?? "";
      const current = hooks.add(user, CMD, path);
      expect(current).toContain(`${GUARD_IN_FILE}${CMD} hook ${host}`);
      const earlier = current.split(GUARD_IN_FILE).join("");
      expect(earlier).toContain(`${CMD} hook ${host}`);
      expect(earlier).not.toContain("SUBAGENT_MCP_DEPTH");

      expect(hooks.read(earlier)).toEqual(hooks.read(current));
      expect(hooks.read(earlier)).toHaveLength(4);
      // update and a second setup: our earlier entries give way to the guarded ones, never beside them.
      expect(hooks.add(earlier, CMD, path)).toBe(current);
      // uninstall: the user's hook stays, ours of either form go.
      expect(hooks.remove(earlier)).toBe(hooks.remove(current));
      expect(hooks.remove(earlier)).toContain("my-guard");
      expect(hooks.remove(earlier)).not.toContain(`hook ${host}`);
    });
  }
});
