import { expect } from "vitest";
import { waitFor, type Served } from "./e2e.js";

/**
 * On `other`, a server under a day_turns cap of 1 on claude that another server's turn reached: a
 * launch on claude is refused naming the cap, and a routed one goes past claude (rule over_cap) to
 * another provider; resolves with that launch once its turn is over.
 */
export async function routedPastTheCap(other: Served): Promise<{ agent_id: string; provider: string }> {
  const refused = await other.client.callTool({ name: "launch_agent", arguments: { provider: "claude", prompt: "two" } });
  expect(refused.isError).toBe(true);
  expect(JSON.stringify(refused.content)).toContain("spend cap claude day_turns 1 reached: 1 turn today");
  // Routed: claude's candidates are left out with rule over_cap, and the launch goes to another provider.
  const routed = await other.call<{ agent_id: string; provider: string; skipped: { provider: string; rule?: string; reason: string }[] }>("launch_agent", {
    task_category: "security_review",
    branch: "performance",
    prompt: "three",
  });
  expect(routed.provider).not.toBe("claude");
  const held = routed.skipped.find((k) => k.provider === "claude" && k.rule === "over_cap");
  expect(held?.reason).toContain("spend cap claude day_turns 1 reached");
  await waitFor(other, routed.agent_id, (out) => out.finished[0]);
  return routed;
}
