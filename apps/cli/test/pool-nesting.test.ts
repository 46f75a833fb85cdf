import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TimelineRowSchema } from "@subagent-mcp/contract";
import { descendants } from "@subagent-mcp/drivers";
import { cliExecutable, type CliEnvironment, type FakeModelServer, type FakeRequest } from "@subagent-mcp/testkit";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { bin, setupHosts, startE2E, type E2E } from "./e2e.js";
import { cmdline, isOurServer } from "./our-processes.js";

// Pool replicas nest through the one server, with the real CLIs: after `setup`, each CLI's config
// holds our entry, which would start a subagent-mcp server of the replica's own. A Claude Code, a
// Codex and a Gemini CLI replica are handed our tools on the server's agent endpoint instead: each
// launches a helper with them, which the orchestrator sees, waits on and finds under the replica in
// the journal's tree; no server process of ours runs under the server; a replica's tools see only
// what it started, and the helper ends when its replica does.

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

const PROVIDERS = ["claude", "codex", "gemini"] as const;
type Lead = (typeof PROVIDERS)[number];
// Our tools as each CLI names the handed server: Claude Code by our name, Codex as subagent_mcp (the
// user's entry switched off), Gemini CLI by an alias (it starts the servers of its settings first).
const LAUNCH: Record<Lead, string> = {
  claude: "mcp__subagent-mcp__launch_agent",
  codex: "mcp__subagent_mcp__launch_agent",
  gemini: "mcp_subagent_mcp_launch_agent",
};
const LIST: Record<Lead, string> = {
  claude: "mcp__subagent-mcp__list_agents",
  codex: "mcp__subagent_mcp__list_agents",
  gemini: "mcp_subagent_mcp_list_agents",
};
const TASK = (p: Lead) => `pool-task-${p}: start a helper`;
const HELPER_TASK = (p: Lead) => `helper-task for the ${p} replica`;

// Each definition may call our launch and list tools without asking (Claude Code's and Gemini CLI's naming of the user's entry).
const definition = (p: Lead) => `---
name: ${p}-lead
description: Starts helpers.
provider: ${p}
tools: [mcp__subagent-mcp__launch_agent, mcp__subagent-mcp__list_agents, mcp_subagent-mcp_launch_agent, mcp_subagent-mcp_list_agents]
---
You start helpers with launch_agent.
`;

function definitions(env: CliEnvironment): void {
  const dir = join(env.cwd, ".subagent-mcp", "agents");
  mkdirSync(dir, { recursive: true });
  for (const p of PROVIDERS) writeFileSync(join(dir, `${p}-lead.md`), definition(p));
}

const launchedId = (text: string): string | undefined => /Launched agent ([a-z0-9-]+)|"agent_id":\s*"([a-z0-9-]+)"/.exec(text)?.slice(1).find(Boolean);
// Codex finds MCP tools by a tool search first ("found: ..."): only our tools' answers count.
const toolResults = (r: FakeRequest): string[] => r.messages.filter((m) => m.role === "tool" && !m.text.startsWith("found:")).map((m) => m.text);

const shownRequests = (fake: FakeModelServer): string =>
  JSON.stringify(fake.requests.map((q) => ({ reply: q.reply, user: q.lastUserText.slice(0, 80), tools: q.tools.filter((t) => t.includes("subagent")) })));

interface Invoked {
  status: string;
  agent_id: string;
  result?: string;
  is_error?: boolean;
}
interface Row {
  agent_id: string;
  status: string;
  alive: boolean;
}

describe("pool replicas nest through the one server", () => {
  it(
    "Claude Code, Codex and Gemini CLI replicas launch helpers with the tools they were handed: no server of their own, each helper under its replica, ended with it",
    { timeout: 480_000 },
    async () => {
      const s = (e = await startE2E({ ENABLE_TOOL_SEARCH: "false" }, definitions));
      const setup = await setupHosts(s, "claude,codex,gemini");
      expect(setup.exitCode, setup.stderr).toBe(0);
      // The definitions allow tools without asking: they are used once the user trusts the project.
      const trusted = await execa(process.execPath, [bin, "trust", "--root", s.env.cwd], { cwd: s.env.cwd, env: s.serverEnv, extendEnv: false, reject: false });
      expect(trusted.exitCode, trusted.stderr).toBe(0);

      // Each replica's model launches a Claude Code helper, lists what it sees, and answers with both;
      // the Claude fake also answers the helpers.
      const helpers = new Map<Lead, string>();
      for (const p of PROVIDERS)
        s.fakes[p].script((req, nonce) => {
          const helperOf = PROVIDERS.find((h) => req.lastUserText.includes(HELPER_TASK(h)));
          if (p === "claude" && helperOf !== undefined) return { kind: "text", text: `${nonce} helper of the ${helperOf} replica done` };
          if (!req.lastUserText.includes(TASK(p))) return undefined;
          const results = toolResults(req);
          if (results.length === 0) return { kind: "tool", name: LAUNCH[p], input: { provider: "claude", label: `helper-of-${p}`, prompt: HELPER_TASK(p) } };
          if (results.length === 1) return { kind: "tool", name: LIST[p], input: {} };
          return { kind: "text", text: `${nonce} ${p} launched: ${(results[0] ?? "").slice(0, 300)} listed: ${(results[1] ?? "").slice(0, 1500)}` };
        });

      const replicas = new Map<Lead, string>();
      const outs = await Promise.all(PROVIDERS.map((p) => s.call<Invoked>("invoke", { agent: `${p}-lead`, task: TASK(p), timeout_s: 300 })));
      for (const [i, p] of PROVIDERS.entries()) {
        const out = outs[i] as Invoked;
        const fake = s.fakes[p];
        expect(out.status, JSON.stringify(out)).toBe("done");
        expect(out.result ?? "", `${out.result ?? ""}\n${shownRequests(fake)}`).toContain(`${fake.nonce} ${p} launched:`);
        const helper = launchedId(out.result ?? "");
        expect(helper, out.result).toBeDefined();
        helpers.set(p, helper ?? "");
        replicas.set(p, out.agent_id);
      }
      // A replica's own list_agents shows its helper and nothing else: not the other replicas, nor their helpers.
      for (const [i, p] of PROVIDERS.entries()) {
        const listed = (outs[i] as Invoked).result?.split(" listed: ")[1] ?? "";
        expect(listed, listed).toContain(helpers.get(p));
        for (const other of PROVIDERS.filter((o) => o !== p)) {
          expect(listed).not.toContain(helpers.get(other));
          expect(listed).not.toContain(replicas.get(other));
        }
      }

      // The orchestrator sees every helper and waits on it; the journal's tree has it under its replica.
      for (const p of PROVIDERS) {
        const helper = helpers.get(p) ?? "";
        const done = await s.call<{ finished: { agent_id: string; result?: string }[] }>("wait", { agent_ids: [helper], timeout_s: 240 });
        expect(done.finished[0]?.result ?? "", JSON.stringify(done)).toContain(`helper of the ${p} replica done`);
        const tree = await execa(process.execPath, [bin, "logs", "--tree", replicas.get(p) ?? "", "--json"], {
          cwd: s.env.cwd,
          env: s.serverEnv,
          extendEnv: false,
        });
        const rows = z.array(TimelineRowSchema).parse(JSON.parse(tree.stdout));
        expect(rows.map((row) => [row.agent_id, row.depth, row.parent])).toEqual([
          [replicas.get(p), 0, undefined],
          [helper, 1, replicas.get(p)],
        ]);
      }

      // Only the CLIs run under the server: no subagent-mcp server process of a replica's own.
      const server = s.transport.pid ?? 0;
      const under = descendants(server).map((pid) => ({ pid, args: cmdline(pid) }));
      expect(
        under.filter((p) => isOurServer(p.args)),
        JSON.stringify(under),
      ).toEqual([]);
      for (const cli of PROVIDERS)
        expect(
          under.some((p) => p.args.includes(cliExecutable(cli))),
          `${cli}: ${JSON.stringify(under)}`,
        ).toBe(true);

      // A helper ends with its replica, as it would with a server of the replica's own.
      const codexReplica = replicas.get("codex") ?? "";
      const codexHelper = helpers.get("codex") ?? "";
      await s.call("kill_agent", { agent_id: codexReplica });
      const helperEnded = async (): Promise<boolean> => {
        const listed = await s.call<{ agents: Row[] }>("list_agents", {});
        return listed.agents.some((a) => a.agent_id === codexHelper && !a.alive);
      };
      for (const start = Date.now(); !(await helperEnded());) {
        if (Date.now() - start > 60_000) throw new Error("the codex replica's helper did not end with it");
        await new Promise((r) => setTimeout(r, 100));
      }
      const rows = await s.call<{ agents: Row[] }>("list_agents", {});
      for (const p of ["claude", "gemini"] as const) expect(rows.agents.find((a) => a.agent_id === helpers.get(p))?.alive, p).toBe(true);
    },
  );
});
