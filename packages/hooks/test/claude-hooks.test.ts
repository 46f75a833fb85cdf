import { describe, expect, it } from "vitest";
import { removeClaudeHooks, withClaudeHooks } from "../src/claude-hooks.js";

describe("Claude Code hooks in settings.json", () => {
  it("adds ours beside the user's hooks, is idempotent, and removes only ours", () => {
    const text = '{\n  // mine\n  "hooks": {\n    "PreToolUse": [\n      { "matcher": "Bash", "hooks": [{ "type": "command", "command": "my-guard" }] }\n    ]\n  }\n}\n';
    const added = withClaudeHooks(text, "/usr/bin/node /x/main.js");
    const parsed = JSON.parse(added.replace("// mine\n", "")) as { hooks: Record<string, { matcher?: string; hooks: { command: string }[] }[]> };
    expect(parsed.hooks.PreToolUse?.map((h) => h.matcher)).toEqual(["Bash", "Task|Agent"]);
    expect(parsed.hooks.UserPromptSubmit?.[0]?.hooks[0]?.command).toBe("/usr/bin/node /x/main.js hook claude");
    expect(withClaudeHooks(added, "/usr/bin/node /x/main.js")).toBe(added);
    const removed = removeClaudeHooks(added);
    expect(removed).toContain("my-guard");
    expect(removed).toContain("// mine");
    expect(removed).not.toContain("hook claude");
  });
});
