import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Maildir } from "@subagent-mcp/mailbox";
import { claudeTranscriptHolds, cliExecutable, loopbackEnv, startFakeFor, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { WorkerFiles } from "@subagent-mcp/worker";
import { execa, type ResultPromise } from "execa";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { descendants } from "@subagent-mcp/drivers";
import { afterEach, describe, expect, it } from "vitest";
import { bin, startWorker as startWorkerIn } from "./e2e.js";
import { cmdline, isOurServer } from "./our-processes.js";

let env: CliEnvironment | undefined;
let fake: FakeModelServer | undefined;
const running: ResultPromise[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) p.kill("SIGKILL");
  await Promise.allSettled(running);
  await env?.cleanup();
  await fake?.stop();
});

async function setupClaude(): Promise<{ e: CliEnvironment; f: FakeModelServer; vars: Record<string, string>; state: string }> {
  const f = (fake = await startFakeFor("claude"));
  const e = (env = await loopbackEnv("claude", f));
  const state = join(e.home, "state");
  const vars = { ...e.env, XDG_STATE_HOME: state, SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude") };
  return { e, f, vars, state };
}

/** Starts `subagent-mcp worker` and resolves once it waits on its mailbox. */
const startWorker = (e: CliEnvironment, vars: Record<string, string>, args: string[]) => startWorkerIn(e, vars, args, running);

const send = (vars: Record<string, string>, cwd: string, args: string[]) =>
  execa(process.execPath, [bin, "send", ...args], { cwd, env: vars, extendEnv: false, reject: false });

/** The subagent-mcp servers under `pid` (one its session's CLI started would be one), by their command lines. */
const oursUnder = (pid: number): string[] =>
  descendants(pid)
    .map(cmdline)
    .filter(isOurServer)
    .map((args) => args.join(" "));

/** The worker logs a turn just after its reply and ack: wait for the line rather than race it. */
const logged = (files: WorkerFiles, count: number) => until(`${count} logged turn(s)`, () => (files.turns().length >= count ? files.turns() : undefined));

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("subagent-mcp worker with the real Claude Code", () => {
  it("answers a message from a shell and one from an MCP-connected orchestrator, with only the messaging tools", async () => {
    const { e, f, vars, state } = await setupClaude();
    f.script((request, nonce) => (request.lastUserText.includes("capital of France") ? { kind: "text", text: `${nonce} Paris` } : undefined));
    const worker = await startWorker(e, vars, ["--name", "helper"]);

    const shell = await send(vars, e.cwd, ["helper", "what is the capital of France?", "--wait", "--timeout", "60"]);
    expect(shell.exitCode, shell.stderr).toBe(0);
    expect(shell.stdout).toBe(`${f.nonce} Paris`);

    const client = new Client({ name: "orchestrator-host", version: "1" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin], env: vars, cwd: e.cwd }));
    try {
      const sent = (await client.callTool({ name: "send_to", arguments: { to: "helper", message: "and the capital of France again?" } })).structuredContent as {
        message_id: string;
        thread_id: string;
      };
      const got = (await client.callTool({ name: "wait_inbox", arguments: { timeout_s: 60 } })).structuredContent as {
        messages: { from: string; body: string; reply_to?: string; thread_id: string }[];
      };
      expect(got.messages).toHaveLength(1);
      expect(got.messages[0]).toMatchObject({ from: "helper", body: `${f.nonce} Paris`, reply_to: sent.message_id, thread_id: sent.thread_id });
    } finally {
      await client.close();
    }

    // No process of ours under the worker: it serves its session's messaging tools itself.
    expect(oursUnder(worker.proc.pid ?? 0)).toEqual([]);
    // The session had our messaging tools and none of Claude Code's built-in ones.
    const turn = f.requests.find((r) => r.lastUserText.includes("capital of France"));
    expect(turn?.tools).toEqual(expect.arrayContaining(["mcp__subagent-mcp__send_to", "mcp__subagent-mcp__reply"]));
    expect(turn?.tools).not.toContain("Bash");
    expect(turn?.tools.some((t) => t.includes("launch_agent"))).toBe(false);
    // One persistent session answered both, and each turn left a log line with its tokens.
    const turns = await logged(new WorkerFiles(join(state, "subagent-mcp", "workers", "helper")), 2);
    expect(turns.map((t) => [t.exit, t.outcome])).toEqual([
      ["ok", "replied"],
      ["ok", "replied"],
    ]);
    expect(turns[0]?.sessionId).toBeDefined();
    expect(turns[1]?.sessionId).toBe(turns[0]?.sessionId);
    expect(turns[0]?.tokens?.output).toBeGreaterThan(0);
  });

  it("loses nothing when killed mid-turn: the message is redelivered after a restart and the session resumes", async () => {
    const { e, f, vars, state } = await setupClaude();
    let first = true;
    f.script((request, nonce) => {
      if (!request.lastUserText.includes("long task")) return undefined;
      if (first) {
        first = false;
        return { kind: "slow", text: `${nonce} too late`, durationMs: 60_000, chunks: 60 };
      }
      return { kind: "text", text: `${nonce} done after restart` };
    });
    const files = new WorkerFiles(join(state, "subagent-mcp", "workers", "keeper"));
    const mail = new Maildir(join(state, "subagent-mcp", "mail"));
    const one = await startWorker(e, vars, ["--name", "keeper"]);
    const sent = mail.send({ from: "shell", to: "keeper", body: "a long task", priority: "normal" });
    const saved = await until("the session id to be saved", () => files.loadSession());
    await until("the turn to reach the model", () => f.requests.find((r) => r.lastUserText.includes("long task")));
    // Claude Code writes its transcript on its own schedule: a kill before that leaves nothing to resume.
    await until("Claude Code to record the message", () => claudeTranscriptHolds(e.home, "long task", saved.sessionId) || undefined);
    one.proc.kill("SIGKILL");
    await one.proc;

    const two = await startWorker(e, vars, ["--name", "keeper"]);
    expect(two.stderr()).toContain("requeued 1 message(s)");
    expect(await mail.wait("shell", 60_000)).toBe(true);
    expect(two.stderr()).toContain(`resuming claude session ${saved.sessionId}`);
    const [reply] = mail.receive("shell");
    expect(reply).toMatchObject({ from: "keeper", body: `${f.nonce} done after restart`, replyTo: sent.id, threadId: sent.threadId, auto: true });
    const [turn] = await logged(files, 1);
    expect(turn).toMatchObject({ messages: [sent.id], attempt: 2, exit: "ok", outcome: "replied", sessionId: saved.sessionId });
    // The resumed conversation still holds the interrupted turn's message.
    const resumed = f.requests.filter((r) => r.lastUserText.includes("long task")).at(-1);
    expect(resumed?.messages.filter((m) => m.role === "user" && m.text.includes("long task")).length).toBeGreaterThanOrEqual(2);
  });

  it("neither a message with an unsafe sender nor a file that is not a message crashes, blocks or bills the worker; mail shows them quarantined", async () => {
    const { e, f, vars, state } = await setupClaude();
    f.script((request, nonce) => (request.lastUserText.includes("capital of France") ? { kind: "text", text: `${nonce} Paris` } : undefined));
    const root = join(state, "subagent-mcp", "mail");
    const plant = (sub: string, file: string, text: string): void => {
      mkdirSync(join(root, "sturdy", sub), { recursive: true });
      writeFileSync(join(root, "sturdy", sub, file), text);
    };
    // Written by something other than `send` (an older version, another program): the reply address leaves the mail folder.
    plant(
      "new",
      "000000001-0000000001.json",
      JSON.stringify({
        id: "000000001-0000000001",
        from: "../../evil",
        to: "sturdy",
        body: "an evil question",
        priority: "normal",
        threadId: "000000001-0000000001",
        sentAt: 1,
        attempts: 0,
      }),
    );
    plant("new", "000000002-0000000002.json", "not json");
    plant("cur", "000000003-0000000003.json", '{"id":"000000003-00000');
    const w = await startWorker(e, vars, ["--name", "sturdy"]);
    expect(w.stderr()).toContain("quarantined 1 claimed file(s) that are not messages (subagent-mcp mail sturdy)");
    const asked = await send(vars, e.cwd, ["sturdy", "what is the capital of France?", "--wait", "--timeout", "60"]);
    expect(asked.exitCode, asked.stderr).toBe(0);
    expect(asked.stdout).toBe(`${f.nonce} Paris`);
    expect(f.requests.some((r) => r.lastUserText.includes("an evil question"))).toBe(false);
    expect(w.proc.exitCode).toBeNull();

    const all = await execa(process.execPath, [bin, "mail"], { env: vars, extendEnv: false });
    expect(all.stdout).toMatch(/^sturdy +0 waiting, 0 being answered, 0 dead, 3 quarantined$/m);
    const one = await execa(process.execPath, [bin, "mail", "sturdy"], { env: vars, extendEnv: false });
    expect(one.stdout).toContain("sturdy: 0 waiting, 0 being answered, 0 dead, 3 quarantined");
    expect(one.stdout).toContain(`quarantined, not messages (kept in ${join(root, "sturdy", "quarantine")}):`);
    expect(one.stdout).toMatch(/000000001-0000000001\.json \(found in new\/ at .*\): not a message: from: /);
    expect(one.stdout).toMatch(/000000002-0000000002\.json \(found in new\/ at .*\): not JSON: /);
    expect(one.stdout).toMatch(/000000003-0000000003\.json \(found in cur\/ at .*\): not JSON: /);
    // The bytes are kept as they were found.
    expect(readFileSync(join(root, "sturdy", "quarantine", "000000002-0000000002.json"), "utf8")).toBe("not json");
  });

  it("the cost guard: low broadcasts wait for a real wake and ride along with it; a high-priority broadcast wakes the worker", async () => {
    const { e, f, vars, state } = await setupClaude();
    const mail = new Maildir(join(state, "subagent-mcp", "mail"));
    mail.pending("guarded");
    mail.pending("boss");
    expect((await send(vars, e.cwd, ["*", "fyi: lunch at noon", "--from", "boss", "--priority", "low"])).exitCode).toBe(0);
    const first = execa(process.execPath, [bin, "worker", "--name", "guarded", "--once"], { cwd: e.cwd, env: vars, extendEnv: false, reject: false });
    running.push(first);
    // The worker's first turn pays the CLI's start-up, which a machine running every suite at once can stretch.
    const asked = await send(vars, e.cwd, ["guarded", "a direct question", "--wait", "--timeout", "180"]);
    expect(asked.exitCode, asked.stderr).toBe(0);
    expect((await first).exitCode).toBe(0);
    const turns = f.requests.filter((r) => r.lastUserText.includes("lunch at noon") && !r.afterToolResult);
    expect(turns).toHaveLength(1);
    expect(turns[0]?.lastUserText).toContain("a direct question");
    const files = new WorkerFiles(join(state, "subagent-mcp", "workers", "guarded"));
    expect(files.turns()).toHaveLength(1);
    expect(files.turns()[0]?.messages).toHaveLength(2);

    const second = execa(process.execPath, [bin, "worker", "--name", "guarded", "--once"], { cwd: e.cwd, env: vars, extendEnv: false, reject: false });
    running.push(second);
    expect((await send(vars, e.cwd, ["*", "fire drill now", "--from", "boss", "--priority", "high"])).exitCode).toBe(0);
    expect((await second).exitCode).toBe(0);
    expect(files.turns()[1]).toMatchObject({ exit: "ok", outcome: "acked", from: ["boss"] });
    // Nobody answers a broadcast automatically.
    expect(mail.pending("boss")).toBe(0);
  }, 240_000);

  it("retries a failing turn with backoff, then dead-letters the message and tells the waiting sender", async () => {
    const { e, vars, state } = await setupClaude();
    const mail = new Maildir(join(state, "subagent-mcp", "mail"));
    await startWorker(e, vars, ["--name", "flaky", "--max-attempts", "2", "--retry-ms", "50"]);
    const asked = await send(vars, e.cwd, ["flaky", "[[error:500]] this always fails", "--wait", "--timeout", "60"]);
    expect(asked.exitCode).toBe(1);
    expect(asked.stderr).toMatch(/^subagent-mcp: flaky gave up on your message after 2 attempt\(s\): .*It is in flaky's dead letters/);
    const [sent] = mail.dead("flaky");
    expect(sent).toMatchObject({ from: "shell", attempts: 2 });
    if (sent === undefined) return;
    const turns = await logged(new WorkerFiles(join(state, "subagent-mcp", "workers", "flaky")), 2);
    expect(turns.map((t) => [t.attempt, t.exit, t.outcome])).toEqual([
      [1, "error", "requeued"],
      [2, "error", "dead"],
    ]);
    expect(turns[0]?.error).toMatch(/500|error/i);
    expect(mail.pending("shell")).toBe(0);
    // People see dead letters without taking anything, and can send them round again.
    const shown = await execa(process.execPath, [bin, "mail", "flaky"], { env: vars, extendEnv: false });
    expect(shown.stdout).toContain("0 waiting, 0 being answered, 1 dead");
    expect(shown.stdout).toContain(`${sent.id}  from shell (normal, thread ${sent.threadId}, 2 failed attempt(s)): [[error:500]] this always fails`);
    const revived = await execa(process.execPath, [bin, "mail", "flaky", "--revive", "--id", sent.id], { env: vars, extendEnv: false });
    expect(revived.stdout).toBe("1 dead letter(s) back in flaky's mailbox");
  });

  it("SIGTERM lets the running turn finish, replies, and exits cleanly", async () => {
    const { e, f, vars, state } = await setupClaude();
    const mail = new Maildir(join(state, "subagent-mcp", "mail"));
    const w = await startWorker(e, vars, ["--name", "polite"]);
    mail.send({ from: "shell", to: "polite", body: "[[slow:2000]] finish me", priority: "normal" });
    await until("the turn to reach the model", () => f.requests.find((r) => r.lastUserText.includes("finish me")));
    // A plain SIGTERM: execa's kill() would follow it with SIGKILL after 5 s, cutting a turn that a busy machine makes slower.
    process.kill(w.proc.pid as number, "SIGTERM");
    const result = await w.proc;
    expect(result.exitCode, w.stderr()).toBe(0);
    expect(mail.receive("shell")[0]?.body).toContain("finish me");
    expect(new WorkerFiles(join(state, "subagent-mcp", "workers", "polite")).turns()[0]).toMatchObject({ exit: "ok", outcome: "replied" });
  });

  it("two workers on two mailboxes talk in one thread, and automatic replies do not ping-pong", async () => {
    const { e, f, vars, state } = await setupClaude();
    f.script((request, nonce) => {
      const text = request.lastUserText;
      if (text.includes("please ask bob") && !request.afterToolResult) {
        const thread = /thread ([0-9a-z]+-[0-9a-f]+)/.exec(text)?.[1] ?? "";
        return { kind: "tool", name: "mcp__subagent-mcp__send_to", input: { to: "bob", message: "what is 6 times 7?", thread_id: thread } };
      }
      if (text.includes("please ask bob")) return { kind: "text", text: `${nonce} asked bob` };
      if (text.includes("what is 6 times 7?")) return { kind: "text", text: `${nonce} 42` };
      if (text.includes("automatic reply")) return { kind: "text", text: `${nonce} noted` };
      return undefined;
    });
    await startWorker(e, vars, ["--name", "alice"]);
    await startWorker(e, vars, ["--name", "bob"]);
    const asked = await send(vars, e.cwd, ["alice", "please ask bob for 6 x 7", "--wait", "--timeout", "60"]);
    expect(asked.exitCode, asked.stderr).toBe(0);
    expect(asked.stdout).toBe(`${f.nonce} asked bob`);
    const alice = new WorkerFiles(join(state, "subagent-mcp", "workers", "alice"));
    const bob = new WorkerFiles(join(state, "subagent-mcp", "workers", "bob"));
    await until("alice to read bob's answer", () => (alice.turns().length >= 2 ? true : undefined));
    const [asking, answered] = alice.turns();
    expect(asking).toMatchObject({ from: ["shell"], outcome: "replied" });
    expect(answered).toMatchObject({ from: ["bob"], thread: asking?.thread, outcome: "acked" });
    expect(await logged(bob, 1)).toHaveLength(1);
    expect(bob.turns()[0]).toMatchObject({ from: ["alice"], thread: asking?.thread, outcome: "replied" });
    expect(f.requests.some((r) => r.lastUserText.includes(`${f.nonce} 42`))).toBe(true);
  });
});

describe("subagent-mcp worker, usage", () => {
  it("--print shows the session it would start and starts nothing", async () => {
    const { e, vars } = await setupClaude();
    const out = await execa(process.execPath, [bin, "worker", "--name", "planner", "--print"], { cwd: e.cwd, env: vars, extendEnv: false });
    const plan = JSON.parse(out.stdout) as { provider: string; args: string[]; session: { allowedTools: string[] }; resume: string | null };
    expect(plan.provider).toBe("claude");
    expect(plan.args).toEqual(expect.arrayContaining(["--tools", "", "--mcp-config", "--strict-mcp-config"]));
    expect(plan.session.allowedTools).toEqual([
      "mcp__subagent-mcp__send_to",
      "mcp__subagent-mcp__inbox",
      "mcp__subagent-mcp__wait_inbox",
      "mcp__subagent-mcp__reply",
    ]);
    expect(plan.resume).toBeNull();
  });

  it("--agent takes provider, model, tools and prompt from a definition file; --mcp-config adds servers", async () => {
    const { e, vars } = await setupClaude();
    mkdirSync(join(e.cwd, ".claude", "agents"), { recursive: true });
    writeFileSync(
      join(e.cwd, ".claude", "agents", "triager.md"),
      "---\nname: triager\ndescription: Sorts bug reports\nprovider: gemini\nmodel: gemini-3.8-flash\ntools: read_file\n---\nYou sort bug reports by severity.\n",
    );
    writeFileSync(join(e.cwd, "extra.json"), JSON.stringify({ mcpServers: { docs: { command: "docs-server", args: ["--stdio"] } } }));
    const out = await execa(process.execPath, [bin, "worker", "--name", "triage", "--agent", "triager", "--mcp-config", "extra.json", "--print"], {
      cwd: e.cwd,
      env: vars,
      extendEnv: false,
    });
    const plan = JSON.parse(out.stdout) as {
      provider: string;
      args: string[];
      session: { model: string; allowedTools: string[]; systemPromptAppend: string; mcpServers: { name: string }[] };
    };
    expect(plan.provider).toBe("gemini");
    expect(plan.session.model).toBe("gemini-3.8-flash");
    // read_file became an allow rule of ours, so that the deny rules (the fleet key's) see each use of it.
    expect(plan.session.allowedTools).toEqual(["mcp_subagent-mcp_send_to", "mcp_subagent-mcp_inbox", "mcp_subagent-mcp_wait_inbox", "mcp_subagent-mcp_reply"]);
    expect(plan.session.systemPromptAppend).toContain("You sort bug reports by severity.");
    expect(plan.session.mcpServers.map((m) => m.name)).toEqual(["subagent-mcp", "docs"]);
    const bad = await execa(process.execPath, [bin, "worker", "--name", "triage", "--mcp-config", "missing.json", "--print"], {
      cwd: e.cwd,
      env: vars,
      extendEnv: false,
      reject: false,
    });
    expect(bad.stderr).toMatch(/^subagent-mcp: --mcp-config missing.json: /);
  });

  it("refuses bad input with one clear line", async () => {
    const { e, vars, state } = await setupClaude();
    const run = (args: string[]) => execa(process.execPath, [bin, "worker", ...args], { cwd: e.cwd, env: vars, extendEnv: false, reject: false });
    const badName = await run(["--name", "../etc", "--print"]);
    expect([badName.exitCode, badName.stderr]).toEqual([2, expect.stringMatching(/^subagent-mcp: --name/)]);
    const badProvider = await run(["--name", "w", "--provider", "cursor", "--print"]);
    expect(badProvider.stderr).toMatch(/--provider must be one of the configured providers: claude, codex, gemini, qwen, opencode \(got "cursor"\)/);
    const missing = await run(["--name", "w", "--agent", "nobody", "--print"]);
    expect(missing.stderr).toMatch(/no agent definition named "nobody"/);
    const first = await startWorker(e, vars, ["--name", "solo"]);
    const refusal = [2, `subagent-mcp: worker "solo" is already running on this machine (pid ${String(first.proc.pid)}); one worker per mailbox and machine`];
    const second = await run(["--name", "solo"]);
    expect([second.exitCode, second.stderr]).toEqual(refusal);
    // The lock's key deleted while the first runs: read back from the first, not made anew.
    rmSync(join(state, "subagent-mcp", "workers", "solo", ".owner-key"));
    const third = await run(["--name", "solo"]);
    expect([third.exitCode, third.stderr]).toEqual(refusal);
  });
});

describe.each(["codex", "gemini", "qwen"] as const)("subagent-mcp worker with the real %s", (cli) => {
  it("answers a shell message in a session that has the messaging tools", async () => {
    const f = (fake = await startFakeFor(cli));
    const e = (env = await loopbackEnv(cli, f));
    const state = join(e.home, "state");
    const vars = { ...e.env, XDG_STATE_HOME: state, [`SUBAGENT_MCP_${cli.toUpperCase()}_PATH`]: cliExecutable(cli) };
    // Offline, Codex offers tools to the models it knows; the fake serves this one.
    const w = await startWorker(e, vars, ["--name", `${cli}-helper`, "--provider", cli, ...(cli === "codex" ? ["--model", "gpt-5.5"] : [])]);
    // A first turn pays the CLI's start-up, which a machine running every suite at once can stretch.
    const asked = await send(vars, e.cwd, [`${cli}-helper`, "say hello", "--wait", "--timeout", "180"]);
    expect(asked.exitCode, `${asked.stderr}\nworker:\n${w.stderr()}`).toBe(0);
    expect(asked.stdout).toContain(f.nonce);
    const turns = f.requests.filter((r) => r.lastUserText.includes("say hello") && r.tools.length > 0);
    // Codex 0.169 always defers MCP tools behind its tool_search; Gemini lists them.
    if (cli === "gemini") expect(turns[0]?.tools).toEqual(expect.arrayContaining(["mcp_subagent-mcp_send_to", "mcp_subagent-mcp_reply"]));
    // Qwen Code defers MCP tools behind its tool_search (see child-messages.test.ts).
    else expect(turns[0]?.tools).toContain("tool_search");
    expect(turns[0]?.tools.some((t) => t.includes("launch_agent"))).toBe(false);
    // Its messaging tools are the worker's own, on its loopback endpoint: no process of ours runs under it.
    expect(oursUnder(w.proc.pid ?? 0)).toEqual([]);
  }, 240_000);
});

describe.each(["claude", "codex", "gemini"] as const)("subagent-mcp worker with the real %s, after setup", (cli) => {
  it("answers through the messaging tools it serves, in place of the entry of ours its CLI's config holds: no server of ours under it", async () => {
    const f = (fake = await startFakeFor(cli));
    const e = (env = await loopbackEnv(cli, f));
    const state = join(e.home, "state");
    const vars = { ...e.env, XDG_STATE_HOME: state, [`SUBAGENT_MCP_${cli.toUpperCase()}_PATH`]: cliExecutable(cli), ENABLE_TOOL_SEARCH: "false" };
    const setup = await execa(process.execPath, [bin, "setup", "--host", cli], { cwd: e.cwd, env: vars, extendEnv: false, reject: false });
    expect(setup.exitCode, setup.stderr).toBe(0);
    // The model sends its answer with the session's send_to, as each CLI names the served tool, then ends the turn.
    const sendTo = { claude: "mcp__subagent-mcp__send_to", codex: "mcp__subagent_mcp__send_to", gemini: "mcp_subagent_mcp_send_to" }[cli];
    f.script((req, nonce) => {
      if (!req.lastUserText.includes("say hello")) return undefined;
      if (!req.afterToolResult) return { kind: "tool", name: sendTo, input: { to: "observer", message: `${nonce} hello from the tool` } };
      return { kind: "text", text: `${nonce} sent` };
    });
    const name = `${cli}-setup-helper`;
    const w = await startWorker(e, vars, [
      "--name",
      name,
      "--provider",
      cli,
      "--allowed-tools",
      sendTo.replace("subagent_mcp", "subagent-mcp"),
      ...(cli === "codex" ? ["--model", "gpt-5.5"] : []),
    ]);
    const mail = new Maildir(join(state, "subagent-mcp", "mail"));
    mail.pending("observer");
    const asked = await send(vars, e.cwd, [name, "say hello", "--from", "boss", "--wait", "--timeout", "180"]);
    expect(asked.exitCode, `${asked.stderr}\nworker:\n${w.stderr()}\n${JSON.stringify(f.requests.map((r) => r.tools))}`).toBe(0);
    // The tool's message reached the mailbox: the session called the worker's served send_to.
    const got = mail.receive("observer").map((m) => m.body);
    expect(got, JSON.stringify(got)).toContain(`${f.nonce} hello from the tool`);
    expect(oursUnder(w.proc.pid ?? 0)).toEqual([]);
  }, 240_000);
});
