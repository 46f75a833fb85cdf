import { existsSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { startOtlpReceiver, type CliEnvironment, type FakeModelServer, type OtlpReceiver, type RedisServer } from "@subagent-mcp/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor, type E2E, type WaitOut } from "./e2e.js";
import { startFleetBed, type FleetBed } from "./fleet-bed.js";
import type { RunningNode } from "./fleet-node.js";

// A node's ceiling holds whatever its orchestrator approves. Orchestrator A (the built server under
// the official MCP client, tracing to an OTLP receiver with a header and a password in its URL)
// answers every permission request with allow; node p lends the real CLIs under a plan ceiling,
// node q under disallowed tools. One real redis-server carries the fleet.
const KEY = "fleet-ceiling-key-0123456789abcdef";
const SECRET = "sekrit-otel-4417";
let bed: FleetBed;
let redis: RedisServer;
let receiver: OtlpReceiver;
let fakes: Record<"claude" | "codex" | "gemini", FakeModelServer>;
let envP: CliEnvironment;
let envQ: CliEnvironment;
let nodeP: RunningNode;
let nodeQ: RunningNode;
let a: E2E;

beforeAll(async () => {
  bed = await startFleetBed(KEY);
  redis = bed.redis;
  receiver = bed.own(await startOtlpReceiver(), (r) => r.close());
  fakes = await bed.fakes("claude", "codex", "gemini");
  envP = await bed.env(fakes);
  envQ = await bed.env(fakes);
  const caps = { claude: 2, codex: 2, gemini: 2 };
  nodeP = await bed.node(envP, "p", { fleet: { roots: [envP.cwd], permission_mode: "plan" }, caps });
  nodeQ = await bed.node(envQ, "q", { fleet: { roots: [envQ.cwd], disallowed_tools: ["Bash(touch:*)"] }, caps, max_depth: 1 });
  const url = new URL(receiver.url);
  url.username = "otel-user";
  url.password = SECRET;
  const otel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: url.toString(),
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${SECRET}`,
  };
  a = await bed.orchestrator(otel);
}, 120_000);

afterAll(async () => {
  await bed.close();
});

/** Waits for the agent's first turn, answering allow to every permission request it asks A meanwhile; what A was asked. */
async function approvingAll(agent: string): Promise<{ turn: WaitOut["finished"][number]; asked: string[] }> {
  const asked: string[] = [];
  for (;;) {
    const out = await a.call<WaitOut>("wait", { agent_ids: [agent], timeout_s: 60 });
    for (const ask of out.permission_requests ?? []) {
      asked.push(ask.summary);
      await a.call("respond_permission", { agent_id: agent, request_id: ask.request_id, decision: "allow" });
    }
    const turn = out.finished[0];
    if (turn !== undefined) return { turn, asked };
    if (!out.still_running.includes(agent)) throw new Error(`nothing more to wait for: ${JSON.stringify(out)}`);
  }
}

/** A's journal of an agent (the node's denial is in it as an error). */
function journalOf(agent: string): string {
  const dir = join(a.env.env.XDG_STATE_HOME as string, "subagent-mcp", "agents", agent);
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
}

describe("a node's plan ceiling, whatever its orchestrator approves", () => {
  const cases = [
    { provider: "claude", model: undefined, prompt: "[[edit:planned-claude.txt|written anyway]]", file: "planned-claude.txt", denied: "Write:" },
    {
      provider: "codex",
      model: "gpt-5.5",
      prompt: "[[shell:touch planned-codex.txt]]",
      file: "planned-codex.txt",
      denied: "Bash: /bin/bash -lc 'touch planned-codex.txt'",
    },
  ] as const;
  for (const c of cases) {
    it(
      `denies ${c.provider}'s ${c.file.includes("codex") ? "touch" : "Write"} at the node: no file, and A hears of the denial`,
      { timeout: 180_000 },
      async () => {
        const { agent_id } = await a.call<{ agent_id: string }>("launch_agent", {
          provider: c.provider,
          ...(c.model === undefined ? {} : { model: c.model }),
          machine: "p",
          cwd: envP.cwd,
          prompt: c.prompt,
        });
        const { turn, asked } = await approvingAll(agent_id);
        expect(existsSync(join(envP.cwd, c.file))).toBe(false);
        // Never forwarded to A, which would have allowed it.
        expect(asked).toEqual([]);
        // On failure, what the turn and the node said tell why.
        expect(nodeP.stderr(), JSON.stringify(turn)).toContain(`denied by the node's ceiling: ${c.denied}`);
        expect(journalOf(agent_id)).toContain(`denied by the node's ceiling: ${c.denied}`);
        expect(journalOf(agent_id)).toContain('machine \\"p\\" lets its agents only plan (fleet.permission_mode plan)');
        await a.call("kill_agent", { agent_id });
      },
    );
  }

  // A wait that misses the refused agent's end returns at its 60 s deadline; the next one sees it ended.
  it("refuses a cwd reached through a link inside its roots that leads out of them, and one that is not there", { timeout: 180_000 }, async () => {
    const link = join(envP.cwd, "escape");
    symlinkSync(envQ.cwd, link);
    const launched = await a.call<{ agent_id: string }>("launch_agent", { provider: "claude", machine: "p", cwd: link, prompt: "x" });
    const turn = await waitFor(a, launched.agent_id, (out) => out.finished[0]);
    expect(turn.is_error).toBe(true);
    expect(turn.result).toContain(`machine "p" refuses cwd ${link}: launches there may work only in ${envP.cwd} (it leads to ${envQ.cwd})`);
    const gone = join(envP.cwd, "gone");
    const missing = await a.call<{ agent_id: string }>("launch_agent", { provider: "claude", machine: "p", cwd: gone, prompt: "x" });
    const refused = await waitFor(a, missing.agent_id, (out) => out.finished[0]);
    expect(refused.result).toContain(`machine "p" refuses cwd ${gone}: there is no such folder there`);
  });
});

describe("a node's disallowed tools on every CLI", () => {
  for (const [provider, model] of [
    ["codex", "gpt-5.5"],
    ["gemini", undefined],
  ] as const) {
    it(`hold on ${provider}: the command is denied at the node although A allows it`, { timeout: 180_000 }, async () => {
      const file = `disallowed-${provider}.txt`;
      const { agent_id } = await a.call<{ agent_id: string }>("launch_agent", {
        provider,
        ...(model === undefined ? {} : { model }),
        machine: "q",
        cwd: envQ.cwd,
        prompt: `[[shell:touch ${file}]]`,
      });
      const { turn, asked } = await approvingAll(agent_id);
      expect(existsSync(join(envQ.cwd, file))).toBe(false);
      expect(asked.filter((s) => s.includes("touch"))).toEqual([]);
      expect(nodeQ.stderr(), JSON.stringify(turn)).toMatch(
        new RegExp(`: denied by the node's ceiling: Bash: .*touch ${file}.*: machine "q" disallows Bash\\(touch:\\*\\) \\(fleet.disallowed_tools\\)`),
      );
      await a.call("kill_agent", { agent_id });
    });
  }
});

describe("a nested server under a node's agent", () => {
  it("is passed no more than the node allows, whatever A's launch passes down", { timeout: 180_000 }, async () => {
    // A grants bypassPermissions and any tool at its max_depth 2; q runs Codex at default (its
    // disallowed tools) and has max_depth 1: the agent's environment says what q allows.
    const { agent_id } = await a.call<{ agent_id: string }>("launch_agent", {
      provider: "codex",
      model: "gpt-5.5",
      machine: "q",
      cwd: envQ.cwd,
      permission_mode: "bypassPermissions",
      prompt: "[[shell:env]]",
    });
    const { turn } = await approvingAll(agent_id);
    const seen = JSON.stringify(fakes.codex.requests.map((r) => r.messages));
    expect(seen, JSON.stringify(turn)).toContain("SUBAGENT_MCP_PERMISSION_CEILING=default");
    expect(seen).not.toContain("SUBAGENT_MCP_PERMISSION_CEILING=bypassPermissions");
    expect(seen).toContain("SUBAGENT_MCP_TOOLS_CEILING=[");
    expect(seen).toContain("SUBAGENT_MCP_MAX_DEPTH=1");
    await a.call("kill_agent", { agent_id });
  });
});

describe("the OTLP collector's credentials", () => {
  it("travel neither in the launch command nor in the node's journal: no trace setting of A's does", { timeout: 120_000 }, async () => {
    const underWay = new Promise<void>((resolve) => {
      fakes.claude.script((request) => {
        if (request.lastUserText.includes("a traced turn")) resolve();
        return undefined;
      });
    });
    const { agent_id } = await a.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      machine: "p",
      cwd: envP.cwd,
      prompt: "[[slow:60000]] a traced turn",
    });
    await underWay;
    fakes.claude.script(undefined);
    const commands = await execa("redis-cli", ["-u", redis.url, "XRANGE", "subagent-mcp:fleet:cmd:p", "-", "+"]);
    // The launches went out with the variables a sub-agent's server needs, and no trace setting of A's.
    expect(commands.stdout).toContain('"kind":"launch"');
    expect(commands.stdout).toContain("SUBAGENT_MCP_DEPTH");
    expect(commands.stdout).not.toContain("SUBAGENT_MCP_OTEL_ENV");
    expect(commands.stdout).not.toContain(SECRET);
    const journal = join(envP.env.XDG_STATE_HOME as string, "subagent-mcp", "fleet", "p");
    const kept = readdirSync(journal).map((f) => readFileSync(join(journal, f), "utf8"));
    expect(kept.join("\n")).toContain("SUBAGENT_MCP_DEPTH");
    expect(kept.join("\n")).not.toContain("SUBAGENT_MCP_OTEL_ENV");
    expect(kept.join("\n")).not.toContain(SECRET);
    await a.call("kill_agent", { agent_id });
  });
});
