import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AgentEvent, SessionSpec } from "@subagent-mcp/core";
import type { CliName as Provider } from "@subagent-mcp/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { harness, type Harness } from "./harness.js";

type Started = Extract<AgentEvent, { type: "started" }>;
const isStarted = (e: AgentEvent): e is Started => e.type === "started";
const isError = (e: AgentEvent): e is Extract<AgentEvent, { type: "error" }> => e.type === "error";
const isExit = (e: AgentEvent): e is Extract<AgentEvent, { type: "exit" }> => e.type === "exit";

const PROVIDERS: { provider: Provider; spec: Partial<SessionSpec> }[] = [
  { provider: "claude", spec: {} },
  { provider: "codex", spec: {} },
  { provider: "gemini", spec: { permissionMode: "yolo" } },
  { provider: "qwen", spec: { permissionMode: "yolo" } },
  { provider: "opencode", spec: {} },
];

/*
 * A provider session closed politely and resumed in a new process (`SessionSpec.resume`) keeps
 * its history and its id, for every CLI, and again after it was resumed once. Gemini CLI's
 * session/load waits out the minute the session was created in (untilGeminiCanLoad), and the
 * file each load leaves behind is removed (removeGeminiLoadLeftovers): else the next Gemini CLI
 * process to start deletes the session with it.
 */
for (const { provider, spec } of PROVIDERS) {
  describe(`${provider} driver resumes a provider session`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await harness(provider);
    });
    afterEach(async () => {
      await h.close();
    });

    it("a new process resumed with the session id sees the earlier turns", { timeout: 240_000 }, async () => {
      const freshAt = Date.now();
      const first = h.start(spec);
      first.send("first: alpha");
      first.send("second: beta");
      const t1 = await h.turnEnd("first turn");
      const freshMs = Date.now() - freshAt;
      await h.turnEnd("second turn", h.events.indexOf(t1) + 1);
      const { sessionId } = await h.next("started", isStarted);
      await first.close();
      await h.next("exit of the first process", isExit);

      const mark = h.events.length;
      const wakeAt = Date.now();
      const second = h.start({ ...spec, resume: sessionId });
      second.send("[[history]]");
      // Gemini CLI may first wait for the next minute (see untilGeminiCanLoad in the ACP driver).
      const resumed = await h.next("started of the resumed session", isStarted, mark, 120_000);
      const startedMs = Date.now() - wakeAt;
      const end = await h.turnEnd("turn of the resumed session", mark);
      const wakeMs = Date.now() - wakeAt;
      console.error(
        `${provider} wake cost: fresh session to end of first turn ${freshMs} ms; resumed session to started ${startedMs} ms, to end of first turn ${wakeMs} ms; answer: ${end.result}`,
      );
      expect(end.isError).toBe(false);
      // The model saw the earlier turns (not merely a replay of them shown as this turn's text).
      expect(end.result).toContain("history: first: alpha | second: beta | [[history]]");
      expect(end.result).not.toContain("echo:");
      expect(resumed.sessionId).toBe(sessionId);

      // Hibernating again at once and waking: the same session, one more turn of history.
      await second.close();
      await h.next("exit of the resumed process", isExit, mark);
      // What a load left when its process died before the driver removed it (or an older driver kept).
      if (provider === "gemini") plantGeminiLoadLeftover(h.env.home, sessionId);
      const again = h.events.length;
      const againAt = Date.now();
      h.start({ ...spec, resume: sessionId }).send("[[history]]");
      const third = await h.turnEnd("turn of the session resumed again", again);
      console.error(`${provider} wake cost, resumed again at once: ${Date.now() - againAt} ms; answer: ${third.result}`);
      expect(third.result).toContain("history: first: alpha | second: beta | [[history]] | [[history]]");
      expect(h.events.slice(again).find(isStarted)?.sessionId).toBe(sessionId);
    });

    it("resuming an id that does not exist fails promptly, naming the id", async () => {
      const missing = randomUUID();
      const session = h.start({ ...spec, resume: missing });
      session.send("hello");
      const error = await h.next("error for a missing session", isError, 0, 30_000);
      await h.next("exit after the error", isExit, 0, 30_000);
      console.error(`${provider} resume of a missing id: ${error.message}; events: ${h.events.map((e) => e.type).join(",")}`);
      expect(error.message).toContain(missing);
      expect(error.message).toMatch(/could not load session|no conversation found|no rollout found/i);
    });
  });
}

// A Gemini CLI load's leftover: the session's header and Gemini CLI's context, named for this minute.
function plantGeminiLoadLeftover(home: string, sessionId: string): void {
  const root = join(home, ".gemini", "tmp");
  const short = sessionId.slice(0, 8);
  for (const project of readdirSync(root)) {
    const chats = join(root, project, "chats");
    const own = readdirSync(chats).find((name) => name.endsWith(`-${short}.jsonl`));
    if (own === undefined) continue;
    const head = readFileSync(join(chats, own), "utf8").split("\n").slice(0, 2).join("\n");
    expect(head).toContain('"$set":{"messages":[');
    const minute = new Date().toISOString().slice(0, 16).replace(/:/g, "-");
    writeFileSync(join(chats, `session-${minute}-${short}.jsonl`), `${head}\n`);
    return;
  }
  throw new Error(`no Gemini CLI session file for ${sessionId} under ${root}`);
}
