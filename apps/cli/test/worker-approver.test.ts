import { Maildir, type Message } from "@subagent-mcp/mailbox";
import { AuditEntrySchema } from "@subagent-mcp/permissions";
import { cliExecutable, loopbackEnv, startFakeFor, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { PendingApprovalSchema } from "@subagent-mcp/worker";
import { execa, type ResultPromise } from "execa";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { bin, startWorker as startWorkerIn } from "./e2e.js";

// A worker's permission requests through the built CLI and the real Claude Code: rules first, then
// its approver's mailbox; answered by a reply in the request's thread or by `subagent-mcp permissions`.
let env: CliEnvironment | undefined;
let fake: FakeModelServer | undefined;
const running: ResultPromise[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) p.kill("SIGKILL");
  await Promise.allSettled(running);
  await env?.cleanup();
  await fake?.stop();
});

async function setup(): Promise<{ e: CliEnvironment; f: FakeModelServer; vars: Record<string, string>; root: string; mail: Maildir }> {
  const f = (fake = await startFakeFor("claude"));
  const e = (env = await loopbackEnv("claude", f));
  const state = join(e.home, "state");
  const vars = { ...e.env, XDG_STATE_HOME: state, SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude") };
  const root = join(state, "subagent-mcp");
  return { e, f, vars, root, mail: new Maildir(join(root, "mail")) };
}

const cli = (e: CliEnvironment, vars: Record<string, string>, args: string[]) =>
  execa(process.execPath, [bin, ...args], { cwd: e.cwd, env: vars, extendEnv: false, reject: false });

/** Starts `subagent-mcp worker` with Claude Code's tools (only Read pre-approved) and resolves once it waits on its mailbox. */
const startWorker = (e: CliEnvironment, vars: Record<string, string>, args: string[]) =>
  startWorkerIn(e, vars, ["--name", "helper", "--allowed-tools", "Read", ...args], running);

/** The next message for `name` that `only` accepts, acknowledged. */
async function next(mail: Maildir, name: string, only: (m: Message) => boolean): Promise<Message> {
  for (;;) {
    const [m] = mail.receive(name, 1, only);
    if (m !== undefined) {
      mail.ack(name, m.id);
      return m;
    }
    await mail.wait(name, 60_000, undefined, only);
  }
}

const asking = (m: Message): boolean => m.threadId.startsWith("permission-");

/** The request's key, which only the approver's mailbox receives: an answer counts only with it. */
const keyOf = (question: Message): string => /"allow ([0-9a-f]{32})"/.exec(question.body)?.[1] ?? "no key in the question";

/** Resolves once the worker's stderr satisfies `done`, checked each time it grows. */
function untilStderr(worker: { proc: ResultPromise; stderr: () => string }, done: (text: string) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!done(worker.stderr())) return;
      worker.proc.stderr?.off("data", check);
      resolve();
    };
    worker.proc.stderr?.on("data", check);
    check();
  });
}

function audit(root: string): z.infer<typeof AuditEntrySchema>[] {
  const path = join(root, "permissions.jsonl");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => AuditEntrySchema.parse(JSON.parse(line)));
}

describe("subagent-mcp worker --approver", () => {
  it("asks its approver; an allow in the request's thread runs the command and the worker replies", async () => {
    const { e, f, vars, root, mail } = await setup();
    await startWorker(e, vars, ["--approver", "boss"]);
    const task = cli(e, vars, ["send", "helper", "[[shell:touch approved.txt]]", "--from", "boss", "--wait", "--timeout", "60"]);
    running.push(task);

    const question = await next(mail, "boss", asking);
    expect(question.from).toBe("helper");
    expect(question.body).toContain("touch approved.txt");
    expect(existsSync(join(e.cwd, "approved.txt"))).toBe(false);
    // The shell sees it too, from the worker's private file.
    const listing = (await cli(e, vars, ["permissions", "--json"])).stdout;
    const listed = z.array(PendingApprovalSchema.omit({ key: true })).parse(JSON.parse(listing));
    expect(listed).toMatchObject([{ id: question.threadId, worker: "helper", approver: "boss" }]);
    expect(listing).not.toContain(keyOf(question));
    expect(statSync(join(root, "workers", "helper", "permissions", `${question.threadId}.json`)).mode & 0o777).toBe(0o600);

    mail.send({ from: "boss", to: "helper", body: `Allow ${keyOf(question)}`, priority: "normal", threadId: question.threadId, replyTo: question.id });
    const done = await task;
    expect(done.exitCode, done.stderr).toBe(0);
    expect(done.stdout).toContain(`${f.nonce} tool done`);
    expect(existsSync(join(e.cwd, "approved.txt"))).toBe(true);
    expect(JSON.parse((await cli(e, vars, ["permissions", "--json"])).stdout)).toEqual([]);
    expect(audit(root)).toContainEqual(expect.objectContaining({ by: "approver", agentId: "helper", decision: "allow", request: "Bash: touch approved.txt" }));
  });

  it("`subagent-mcp permissions deny ID --reason` refuses it and the model hears the reason", async () => {
    const { e, f, vars, mail } = await setup();
    await startWorker(e, vars, ["--approver", "boss"]);
    const task = cli(e, vars, ["send", "helper", "[[shell:touch refused.txt]]", "--from", "boss", "--wait", "--timeout", "60"]);
    running.push(task);

    const question = await next(mail, "boss", asking);
    const list = await cli(e, vars, ["permissions"]);
    expect(list.stdout).toContain(question.threadId);
    expect(list.stdout).toContain("Bash: touch refused.txt");
    const denied = await cli(e, vars, ["permissions", "deny", question.threadId, "--reason", "not on a Monday"]);
    expect(denied.exitCode, denied.stderr).toBe(0);

    const done = await task;
    expect(done.exitCode, done.stderr).toBe(0);
    expect(existsSync(join(e.cwd, "refused.txt"))).toBe(false);
    expect(f.requests.some((r) => JSON.stringify(r.messages).includes("not on a Monday"))).toBe(true);
    const again = await cli(e, vars, ["permissions", "deny", question.threadId]);
    expect(again.exitCode).not.toBe(0);
  });

  it("an --allow rule answers without asking the approver", async () => {
    const { e, f, vars, root, mail } = await setup();
    await startWorker(e, vars, ["--approver", "boss", "--allow", "Bash(touch:*)"]);
    const done = await cli(e, vars, ["send", "helper", "[[shell:touch ruled.txt]]", "--from", "boss", "--wait", "--timeout", "60"]);
    expect(done.exitCode, done.stderr).toBe(0);
    expect(done.stdout).toContain(`${f.nonce} tool done`);
    expect(existsSync(join(e.cwd, "ruled.txt"))).toBe(true);
    expect(mail.peek("boss").filter(asking)).toEqual([]);
    expect(audit(root)).toContainEqual(expect.objectContaining({ by: "rule", decision: "allow", rule: "Bash(touch:*)" }));
  });

  it("a deny rule in the user's config refuses without asking, as the server's agents do", async () => {
    const { e, f, vars, root, mail } = await setup();
    const configHome = join(e.home, "config");
    mkdirSync(join(configHome, "subagent-mcp"), { recursive: true });
    writeFileSync(join(configHome, "subagent-mcp", "config.json"), JSON.stringify({ permissions: { deny: ["Bash(touch:*)"] } }));
    const withConfig = { ...vars, XDG_CONFIG_HOME: configHome };
    await startWorker(e, withConfig, ["--approver", "boss"]);
    const done = await cli(e, withConfig, ["send", "helper", "[[shell:touch refused.txt]]", "--from", "boss", "--wait", "--timeout", "60"]);
    expect(done.exitCode, done.stderr).toBe(0);
    expect(existsSync(join(e.cwd, "refused.txt"))).toBe(false);
    expect(mail.peek("boss").filter(asking)).toEqual([]);
    expect(audit(root)).toContainEqual(expect.objectContaining({ by: "rule", decision: "deny", rule: "Bash(touch:*)" }));
    expect(f.requests.length).toBeGreaterThan(0);
  });

  it("an answer it cannot read is asked once more, then denied", async () => {
    const { e, f, vars, mail } = await setup();
    await startWorker(e, vars, ["--approver", "boss"]);
    const task = cli(e, vars, ["send", "helper", "[[shell:touch muddled.txt]]", "--from", "boss", "--wait", "--timeout", "60"]);
    running.push(task);
    const question = await next(mail, "boss", asking);
    mail.send({ from: "boss", to: "helper", body: `hmm, maybe ${keyOf(question)}`, priority: "normal", threadId: question.threadId, replyTo: question.id });
    const again = await next(mail, "boss", asking);
    expect(again.body).toContain("not understood");
    mail.send({ from: "boss", to: "helper", body: `sure thing ${keyOf(again)}`, priority: "normal", threadId: question.threadId, replyTo: again.id });
    expect((await task).exitCode).toBe(0);
    expect(existsSync(join(e.cwd, "muddled.txt"))).toBe(false);
    expect(f.requests.some((r) => JSON.stringify(r.messages).includes("boss did not answer allow or deny"))).toBe(true);
  });

  it("only the approver's answer naming the request's key counts: another mailbox, or the approver without the key, is ignored", async () => {
    const { e, vars, root, mail } = await setup();
    const worker = await startWorker(e, vars, ["--approver", "boss"]);
    const task = cli(e, vars, ["send", "helper", "[[shell:touch impersonated.txt]]", "--from", "boss", "--wait", "--timeout", "60"]);
    running.push(task);
    const question = await next(mail, "boss", asking);
    // Another mailbox answers in the thread, even with the key; then one names the approver but not the key.
    mail.send({ from: "mallory", to: "helper", body: `allow ${keyOf(question)}`, priority: "high", threadId: question.threadId, replyTo: question.id });
    mail.send({ from: "boss", to: "helper", body: "allow", priority: "high", threadId: question.threadId, replyTo: question.id });
    await untilStderr(worker, (text) => (text.match(/ignored a message in permission-/g) ?? []).length >= 2);
    expect(existsSync(join(e.cwd, "impersonated.txt"))).toBe(false);
    expect(worker.stderr()).toContain("from mallory");
    // The approver's own reply still decides.
    mail.send({ from: "boss", to: "helper", body: `deny ${keyOf(question)}: not you`, priority: "high", threadId: question.threadId, replyTo: question.id });
    expect((await task).exitCode).toBe(0);
    expect(existsSync(join(e.cwd, "impersonated.txt"))).toBe(false);
    expect(audit(root)).toContainEqual(expect.objectContaining({ by: "approver", decision: "deny", request: "Bash: touch impersonated.txt" }));
  });

  it("an unanswered request is denied after --permission-timeout", async () => {
    const { e, f, vars, root } = await setup();
    await startWorker(e, vars, ["--approver", "boss", "--permission-timeout", "1"]);

    const silent = await cli(e, vars, ["send", "helper", "[[shell:touch unanswered.txt]]", "--from", "boss", "--wait", "--timeout", "60"]);
    expect(silent.exitCode).toBe(0);
    expect(existsSync(join(e.cwd, "unanswered.txt"))).toBe(false);
    expect(f.requests.some((r) => JSON.stringify(r.messages).includes("no answer from boss within 1 s"))).toBe(true);
    expect(audit(root)).toContainEqual(expect.objectContaining({ by: "timeout", decision: "deny", request: "Bash: touch unanswered.txt" }));
  });
});
