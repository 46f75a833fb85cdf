import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { bin, connectServer, startE2E, waitFor, withUserConfig, type E2E, type Served } from "./e2e.js";
import { routedPastTheCap } from "./spend-caps-e2e.js";

// spend_caps are summed over every server of the user through the state folder's spend ledger: two
// servers sharing a day cap cannot together pass it, the agent whose turn reached it stops there, and
// `usage --caps` shows it.

let e: E2E | undefined;
const others: Served[] = [];
afterEach(async () => {
  for (const o of others.splice(0)) await o.close();
  await e?.close();
  e = undefined;
});

describe("spend_caps", () => {
  it(
    "a day_turns cap of 1 on claude: the first server's turn reaches it; the second server routes past claude or refuses it by name",
    { timeout: 180_000 },
    async () => {
      const s = (e = await startE2E({}, withUserConfig({ spend_caps: { claude: { day_turns: 1 } } })));
      const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: "one" });
      const turn = await waitFor(s, agent_id, (out) => out.finished[0]);
      expect(turn.is_error).toBe(false);
      // Its turn reached the cap: it is parked in budget_exceeded, naming the cap.
      const polled = await s.call<{ status: string }>("poll_agent", { agent_id });
      expect(polled.status).toBe("budget_exceeded");
      const more = await s.client.callTool({ name: "send_message", arguments: { agent_id, message: "more" } });
      expect(more.isError).toBe(true);
      expect(JSON.stringify(more.content)).toContain("stopped at its budget (spend cap claude day_turns 1 reached: 1 turn today");
      const ledger = readFileSync(join(s.serverEnv.XDG_STATE_HOME as string, "subagent-mcp", "spend.jsonl"), "utf8")
        .trim()
        .split("\n");
      // Its turn's line (which replaced the reservation its turn ran on) is the ledger's one turn.
      const turns = ledger.map((line) => JSON.parse(line) as { provider?: string; agent?: string; reserve?: string }).filter((l) => l.reserve === undefined);
      expect(turns.map((l) => l.agent)).toEqual([agent_id]);

      // Killed, it cannot be resumed on claude while the cap holds.
      await s.call("kill_agent", { agent_id });
      const resumed = await s.client.callTool({ name: "resume_agent", arguments: { agent_id } });
      expect(resumed.isError).toBe(true);
      expect(JSON.stringify(resumed.content)).toContain("spend cap claude day_turns 1 reached");

      // usage --caps shows where the cap stands.
      const usage = (args: string[]) => execa(process.execPath, [bin, "usage", "--caps", ...args], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false });
      const caps = JSON.parse((await usage(["--json"])).stdout) as {
        caps: { cap: string; limit: string; spent: number; of: number; left: number; reached: boolean }[];
      };
      expect(caps.caps).toEqual([expect.objectContaining({ cap: "claude", limit: "day_turns", spent: 1, of: 1, left: 0, reached: true })]);
      expect((await usage([])).stdout).toMatch(/claude day_turns: 1 \/ 1, 0 left \(reached\), resets \d{4}-/);

      // `route` ranks as a launch does: claude's candidates skipped with rule over_cap.
      const route = await execa(process.execPath, [bin, "route", "--category", "security_review", "--branch", "performance", "--json"], {
        cwd: s.env.cwd,
        env: s.serverEnv,
        extendEnv: false,
      });
      const routed0 = JSON.parse(route.stdout) as { ranking: { provider: string }[]; skipped: { provider: string; rule?: string }[] };
      expect(routed0.ranking.map((r) => r.provider)).not.toContain("claude");
      expect(routed0.skipped.filter((k) => k.rule === "over_cap").map((k) => k.provider)).toContain("claude");

      // Another server of the same user (same state folder) sees the cap reached.
      const second = await connectServer(s.serverEnv, s.env.cwd, "second");
      others.push(second);
      await routedPastTheCap(second);
    },
  );
});
