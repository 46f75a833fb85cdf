import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { InvokeResult, LaunchAgentResult, WaitResult } from "@subagent-mcp/contract";
import { stateDir, stateLayout } from "@subagent-mcp/state";
import type { CliName } from "@subagent-mcp/testkit";
import { DEMO_RULE, type DemoSession } from "./demo-session.js";
import { CLI_INFO } from "./demo-clis.js";

/** One thing the demo does as an orchestrator would: returns what it showed, throws when it did not work. */
export interface DemoStep {
  name: string;
  run(s: DemoSession): Promise<string>;
}

type Finished = WaitResult["finished"][number];

// Codex runs the model its config names, which the fake serves with its tools.
function launchArgs(cli: CliName, prompt: string, more: Record<string, unknown> = {}): Record<string, unknown> {
  return { provider: cli, prompt, ...(cli === "codex" ? { model: "gpt-5.5" } : {}), ...more };
}

// Calls wait until every agent in `ids` has finished a turn (or `stop` says so); throws if one asks permission.
async function waitAll(s: DemoSession, ids: string[], stop?: (out: WaitResult) => boolean): Promise<Map<string, Finished>> {
  const done = new Map<string, Finished>();
  while (ids.some((id) => !done.has(id))) {
    const out = await s.call<WaitResult>("wait", { agent_ids: ids.filter((id) => !done.has(id)), mode: "all", timeout_s: 120 });
    for (const f of out.finished) done.set(f.agent_id, f);
    if (out.permission_requests !== undefined) throw new Error(`asked permission: ${out.permission_requests.map((p) => p.summary).join("; ")}`);
    if (stop?.(out) === true) return done;
    if (out.finished.length === 0 && out.still_running.length === 0) throw new Error("nothing left to wait for");
  }
  for (const f of done.values()) if (f.is_error) throw new Error(`${f.agent_id} failed: ${f.result.slice(0, 200)}`);
  return done;
}

// The CLI a step prefers among those present: Claude Code, then Gemini CLI, then Codex.
function prefer(s: DemoSession, order: CliName[] = ["claude", "gemini", "codex"]): CliName {
  return order.find((c) => s.clis.includes(c)) ?? (s.clis[0] as CliName);
}

function proves(s: DemoSession, cli: CliName, result: string): void {
  const nonce = s.fakes[cli]?.nonce ?? "";
  if (!result.includes(nonce)) throw new Error(`the answer did not come from the local ${cli} model: ${result.slice(0, 200)}`);
}

/** The demo's steps after the server is up; `launched` collects every agent for the clean-up. */
export function demoSteps(launched: string[]): DemoStep[] {
  const parallel: { id: string; cli: CliName }[] = [];
  return [
    {
      name: "launch 3 agents in parallel",
      async run(s) {
        const clis = [0, 1, 2].map((i) => s.clis[i % s.clis.length] as CliName);
        const ids = await Promise.all(
          clis.map((cli, i) => s.call<LaunchAgentResult>("launch_agent", launchArgs(cli, `demo task ${i + 1}: say hello`)).then((o) => o.agent_id)),
        );
        launched.push(...ids);
        ids.forEach((id, i) => parallel.push({ id, cli: clis[i] as CliName }));
        return parallel.map((p) => `${p.id} (${p.cli})`).join(", ");
      },
    },
    {
      name: "wait for all three",
      async run(s) {
        const done = await waitAll(
          s,
          parallel.map((p) => p.id),
        );
        for (const p of parallel) proves(s, p.cli, done.get(p.id)?.result ?? "");
        return `${done.size} finished, each answered by its local model`;
      },
    },
    {
      name: "follow-up with send_message",
      async run(s) {
        const first = parallel[0];
        if (first === undefined) throw new Error("no agent to follow up");
        await s.call("send_message", { agent_id: first.id, message: "[[history]] what did I ask first?" });
        const result = (await waitAll(s, [first.id])).get(first.id)?.result ?? "";
        if (!result.includes("demo task 1")) throw new Error(`the follow-up lost the conversation: ${result.slice(0, 200)}`);
        return `${first.id} answered in the same session (it remembers "demo task 1")`;
      },
    },
    {
      name: "pooled task with invoke",
      async run(s) {
        const cli = prefer(s, ["codex", "gemini", "claude"]);
        const dir = join(s.env.cwd, ".claude", "agents");
        await mkdir(dir, { recursive: true });
        const definition = `---\nname: demo-reviewer\ndescription: Reviews a change.\nprovider: ${cli}\n${cli === "codex" ? "model: gpt-5.5\n" : ""}---\nYou review changes.\n`;
        await writeFile(join(dir, "demo-reviewer.md"), definition);
        const out = await s.call<InvokeResult>("invoke", {
          agent: "demo-reviewer",
          task: "review the demo change",
          timeout_s: 300,
        });
        launched.push(out.agent_id);
        const result = out.status === "done" ? (out.result ?? "") : ((await waitAll(s, [out.agent_id])).get(out.agent_id)?.result ?? "");
        proves(s, cli, result);
        return `demo-reviewer (${cli}, .claude/agents) replica ${out.replica} answered`;
      },
    },
    {
      name: "permission answered by a rule",
      async run(s) {
        const cli = prefer(s);
        const { agent_id } = await s.call<LaunchAgentResult>(
          "launch_agent",
          launchArgs(cli, "[[shell:touch demo-rule-ok.txt]]", { permission_mode: "default" }),
        );
        launched.push(agent_id);
        await waitAll(s, [agent_id]);
        if (!existsSync(join(s.env.cwd, "demo-rule-ok.txt"))) throw new Error("the command did not run");
        const audit = await readFile(stateLayout(stateDir({ home: s.env.home, env: s.serverEnv })).audit, "utf8").catch(() => "");
        const entry = audit
          .split("\n")
          .filter((l) => l.trim() !== "")
          .map((l) => JSON.parse(l) as { agentId: string; by: string; decision: string; rule?: string; request: string })
          .find((e) => e.agentId === agent_id);
        if (entry?.by !== "rule" || entry.decision !== "allow") throw new Error(`no rule decision in the audit log for ${agent_id}: ${JSON.stringify(entry)}`);
        return `${cli}: "${entry.request}" allowed by ${entry.rule ?? DEMO_RULE} (audit log), nobody asked`;
      },
    },
    {
      name: "message between two agents",
      async run(s) {
        const cli = prefer(s, ["claude", "gemini"]);
        if (!s.clis.includes(cli)) throw new Error(`needs ${CLI_INFO.claude.title} or ${CLI_INFO.gemini.title}`);
        return converse(s, cli, launched);
      },
    },
  ];
}

// A sub-agent asks its parent (this demo, the orchestrator) with send_to and blocks on wait_inbox; the parent reads its inbox and replies.
async function converse(s: DemoSession, cli: CliName, launched: string[]): Promise<string> {
  const fake = s.fakes[cli];
  fake?.script((request, nonce) => {
    if (!request.messages.some((m) => m.text.includes("demo-question"))) return undefined;
    const sendTo = request.tools.find((t) => t.endsWith("send_to"));
    const waitInbox = request.tools.find((t) => t.endsWith("wait_inbox"));
    const last = request.messages.at(-1)?.text ?? "";
    if (sendTo === undefined || waitInbox === undefined) return undefined;
    if (!request.afterToolResult) return { kind: "tool", name: sendTo, input: { to: "orchestrator", message: "which colour should I use?" } };
    if (!last.includes('"messages"')) return { kind: "tool", name: waitInbox, input: { timeout_s: 120 } };
    return { kind: "text", text: `${nonce} parent said: ${last}` };
  });
  try {
    const { agent_id } = await s.call<LaunchAgentResult>("launch_agent", launchArgs(cli, "paint the fence (demo-question: ask me the colour)"));
    launched.push(agent_id);
    await waitAll(s, [agent_id], (out) => (out.messages_waiting ?? 0) > 0);
    const inbox = await s.call<{ messages: { message_id: string; from: string; body: string; thread_id: string }[] }>("inbox");
    const question = inbox.messages.find((m) => m.from === agent_id);
    if (question === undefined) throw new Error(`no message from ${agent_id} in the inbox`);
    await s.call("reply", { message_id: question.message_id, to: agent_id, message: "use blue", thread_id: question.thread_id });
    const result = (await waitAll(s, [agent_id])).get(agent_id)?.result ?? "";
    if (!result.includes("use blue")) throw new Error(`the reply did not reach ${agent_id}: ${result.slice(0, 200)}`);
    return `${agent_id} (${cli}) asked "${question.body}", the orchestrator replied "use blue", the agent got it`;
  } finally {
    fake?.script(undefined);
  }
}
