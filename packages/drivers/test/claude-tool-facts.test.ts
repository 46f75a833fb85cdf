import { expect, it } from "vitest";
import { harness } from "./harness.js";
import { toolFactsSuite } from "./tool-facts.js";

// Claude Code's Bash result says "Exit code N" (is_error) for a non-zero exit, nothing on success (0).
toolFactsSuite("claude", { allowedTools: ["Bash", "Write"] }, { failedOk: false, exitCodes: [3, 0] });

// Claude Code's own turn limit (CLAUDE_CODE_MAX_TURNS, as --max-turns) ends the turn as error_max_turns.
it("a turn cut by Claude Code's turn limit says so in its stop", async () => {
  const h = await harness("claude");
  try {
    h.start({ allowedTools: ["Bash"], env: { CLAUDE_CODE_MAX_TURNS: "1" } }).send("[[shell:true]] [[shell:true]] [[say:never]]");
    const end = await h.turnEnd("limited turn", 0, 90_000);
    expect(end.isError).toBe(true);
    expect(end.stop).toEqual({ reason: "error_max_turns", maxTurns: true });
  } finally {
    await h.close();
  }
}, 120_000);
