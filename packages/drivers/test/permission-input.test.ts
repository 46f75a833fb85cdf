import type { AgentEvent } from "@subagent-mcp/core";
import { describe, expect, it } from "vitest";
import { boundedInput, PendingPermissions, PERMISSION_INPUT_BYTES, permissionRequest } from "../src/permissions.js";

describe("permission requests", () => {
  it("carry small input as given and large input cut to the bound", () => {
    expect(boundedInput({ command: "ls" })).toEqual({ command: "ls" });
    const big = boundedInput({ content: "é".repeat(10_000) }) as { truncated: boolean; bytes: number; json: string };
    expect(big.truncated).toBe(true);
    expect(big.bytes).toBeGreaterThan(PERMISSION_INPUT_BYTES);
    expect(Buffer.byteLength(big.json)).toBeLessThanOrEqual(PERMISSION_INPUT_BYTES);
  });

  it("are answered once, and withdrawn ones are no longer answerable", () => {
    const events: AgentEvent[] = [];
    const answers: string[] = [];
    const pending = new PendingPermissions((e) => events.push(e));
    pending.ask(permissionRequest("a", "Bash", "shell", {}, { command: "ls" }), (d) => answers.push(`a:${d.behavior}`));
    pending.ask(permissionRequest("b", "Edit", "edit", {}, { path: "/x" }), (d) => answers.push(`b:${d.behavior}`));
    expect(pending.respond("a", { behavior: "allow" })).toBe(true);
    expect(pending.respond("a", { behavior: "deny" })).toBe(false);
    pending.withdrawAll();
    expect(pending.respond("b", { behavior: "allow" })).toBe(false);
    expect(answers).toEqual(["a:allow"]);
    expect(events.map((e) => e.type)).toEqual(["permission_request", "permission_request", "permission_withdrawn"]);
  });
});
