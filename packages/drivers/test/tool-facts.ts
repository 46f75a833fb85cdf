import type { AgentEvent, SessionSpec } from "@subagent-mcp/core";
import type { CliName as Provider } from "@subagent-mcp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { harness, type Harness } from "./harness.js";

type Tool = Extract<AgentEvent, { type: "tool" }>;
type ToolResult = Extract<AgentEvent, { type: "tool_result" }>;
const isTool = (e: AgentEvent): e is Tool => e.type === "tool";
const isResult = (e: AgentEvent): e is ToolResult => e.type === "tool_result";

/** What a CLI tells of a failing (`exit 3`) and a passing (`true`) shell command. */
interface ShellFacts {
  /** The result's `ok` for `exit 3` (Gemini CLI reports the call completed, whatever the exit). */
  failedOk: boolean;
  /** The exit codes reported for `exit 3` then `true`; undefined where the CLI does not say. */
  exitCodes: [number | null | undefined, number | null | undefined];
}

/**
 * The facts a turn's receipt reads from a driver (tool kinds, commands, edited paths, id pairing,
 * exit codes), from a real CLI running a turn the fake scripts in one message.
 */
export function toolFactsSuite(provider: Provider, spec: Partial<SessionSpec>, shell: ShellFacts): void {
  describe(`${provider} tool facts against the real CLI`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await harness(provider);
    });
    afterEach(async () => {
      await h.close();
    });

    it("a failing then a passing shell command: each result paired with its call by id, with its exit code", async () => {
      h.start(spec).send("[[shell:exit 3]] [[shell:true]] [[say:both ran]]");
      const end = await h.turnEnd("scripted turn", 0, 90_000);
      expect(end.result).toContain("both ran");
      const tools = h.events.filter(isTool);
      const results = h.events.filter(isResult);
      expect(tools.map((t) => [t.kind, t.command])).toEqual([
        ["shell", "exit 3"],
        ["shell", "true"],
      ]);
      expect(tools.every((t) => typeof t.id === "string" && t.id !== "")).toBe(true);
      expect(new Set(tools.map((t) => t.id)).size).toBe(2);
      expect(results.map((r) => r.id)).toEqual(tools.map((t) => t.id));
      expect(results.map((r) => r.ok)).toEqual([shell.failedOk, true]);
      expect(results.map((r) => r.exitCode)).toEqual(shell.exitCodes);
      expect(end.stop).toBeUndefined();
    });

    it("an edit is reported as kind edit with the file it writes", async () => {
      h.start(spec).send("[[edit:receipt-notes.txt|hello]] [[say:written]]");
      const end = await h.turnEnd("edit turn", 0, 90_000);
      expect(end.result).toContain("written");
      const [tool] = h.events.filter(isTool);
      expect(tool?.kind).toBe("edit");
      expect(tool?.paths?.some((p) => p.endsWith("receipt-notes.txt"))).toBe(true);
      const [result] = h.events.filter(isResult);
      expect(result).toMatchObject({ id: tool?.id, ok: true });
    });
  });
}
