import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, waitFor, type E2E } from "./e2e.js";

// Permission requests end to end for Codex and Gemini CLI: the built server on stdio, the real CLI behind it.
let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

// Codex gets a deny's reason as steering input; ACP has no field for it, so Gemini CLI never sees it.
// Codex is pinned to the model its config names, which the fake serves with its shell tool.
describe.each([
  { provider: "codex" as const, model: "gpt-5.5", reasonReachesModel: true },
  { provider: "gemini" as const, model: undefined, reasonReachesModel: false },
])("permission requests through the built CLI with $provider", ({ provider, model, reasonReachesModel }) => {
  it("ask -> wait shows it -> respond_permission allow -> the file exists", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    const file = `e2e-${provider}-allowed.txt`;
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider, model, prompt: `[[shell:touch ${file}]]` });
    const ask = await waitFor(s, agent_id, (out) => out.permission_requests?.[0]);
    expect(ask).toMatchObject({ agent_id, kind: "shell" });
    expect(ask.summary).toContain(`touch ${file}`);
    expect(existsSync(join(s.env.cwd, file))).toBe(false);
    await s.call("respond_permission", { agent_id, request_id: ask.request_id, decision: "allow" });
    const turn = await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(turn.is_error).toBe(false);
    expect(existsSync(join(s.env.cwd, file))).toBe(true);
  });

  it("deny -> no file, and the reason reaches the model where the CLI carries it", { timeout: 120_000 }, async () => {
    const s = (e = await startE2E());
    const file = `e2e-${provider}-denied.txt`;
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider, model, prompt: `[[shell:touch ${file}]]` });
    const ask = await waitFor(s, agent_id, (out) => out.permission_requests?.[0]);
    await s.call("respond_permission", { agent_id, request_id: ask.request_id, decision: "deny", reason: "reason-quince-42" });
    await waitFor(s, agent_id, (out) => out.finished[0]);
    expect(existsSync(join(s.env.cwd, file))).toBe(false);
    const told = s.fakes[provider].requests.some((r) => JSON.stringify(r.messages).includes("reason-quince-42"));
    expect(told).toBe(reasonReachesModel);
  });
});
