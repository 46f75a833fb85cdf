import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AgentEvent, PermissionRuling } from "@subagent-mcp/core";
import { descendants } from "../src/internal/tree.js";
import { processAlive } from "@subagent-mcp/state";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { harness, type Harness } from "./harness.js";
import type { CliName as Provider, CliVersionName } from "@subagent-mcp/testkit";
import type { PermissionRequest } from "@subagent-mcp/contract";

type Asked = Extract<AgentEvent, { type: "permission_request" }>;
type Withdrawn = Extract<AgentEvent, { type: "permission_withdrawn" }>;
const isAsked = (e: AgentEvent): e is Asked => e.type === "permission_request";
const isWithdrawn = (e: AgentEvent): e is Withdrawn => e.type === "permission_withdrawn";

/**
 * Permission requests of a real CLI, raised by the fake's tool calls, answered through the session.
 * `writeAskedAs`: the tool a new file's write is asked as, where the CLI's request does not name it
 * (default Write).
 */
export function permissionSuite(
  provider: Provider,
  options: { denyReason?: boolean; denyEndsTurn?: boolean; writeAskedAs?: string; version?: CliVersionName } = {},
): void {
  describe(`${provider} permission requests against the real CLI${options.version === undefined ? "" : ` (${options.version})`}`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await harness(provider, options.version);
    });
    afterEach(async () => {
      await h.close();
    });

    it("asks for a shell command; allowed, it runs", async () => {
      const session = h.start({ askPermissions: true });
      session.send("[[shell:touch allowed-by-orchestrator.txt]]");
      const { request } = await h.next("shell request", isAsked);
      expect(request).toMatchObject({ kind: "shell", tool: "Bash" });
      expect(request.command).toContain("touch allowed-by-orchestrator.txt");
      session.respondPermission?.(request.requestId, { behavior: "allow" });
      const end = await h.turnEnd("turn after allow");
      expect(end.isError).toBe(false);
      expect(existsSync(join(h.env.cwd, "allowed-by-orchestrator.txt"))).toBe(true);
    });

    it("asks for a file edit; denied, nothing is written and the model gets the reason", async () => {
      const session = h.start({ askPermissions: true });
      session.send("[[edit:denied.txt|not wanted]]");
      const { request } = await h.next("edit request", isAsked);
      expect(request).toMatchObject({ kind: "edit", tool: options.writeAskedAs ?? "Write" });
      expect(request.path).toContain("denied.txt");
      session.respondPermission?.(request.requestId, { behavior: "deny", message: "reason-tangerine-7" });
      await h.turnEnd("turn after deny");
      expect(existsSync(join(h.env.cwd, "denied.txt"))).toBe(false);
      // The model got the refusal as the tool's result (Qwen Code ends the turn instead); ACP has no field for the reason itself.
      expect(h.fake.requests.some((r) => r.messages.some((m) => m.role === "tool"))).toBe(options.denyEndsTurn !== true);
      const told = h.fake.requests.some((r) => JSON.stringify(r.messages).includes("reason-tangerine-7"));
      expect(told).toBe(options.denyReason !== false);
    });

    it("allow_always: the same command again is not asked", async () => {
      const session = h.start({ askPermissions: true });
      session.send("[[shell:touch always-1.txt]]");
      const { request } = await h.next("first request", isAsked);
      session.respondPermission?.(request.requestId, { behavior: "allow_always" });
      await h.turnEnd("first turn");
      expect(existsSync(join(h.env.cwd, "always-1.txt"))).toBe(true);
      const mark = h.events.length;
      session.send("[[shell:touch always-1.txt]]");
      await h.turnEnd("second turn", mark);
      expect(h.events.slice(mark).filter(isAsked)).toEqual([]);
      // For this session only: nothing written to the project's settings.
      expect(existsSync(join(h.env.cwd, ".claude", "settings.local.json"))).toBe(false);
    });

    it("allow_always on a file write: the same write again is not asked", async () => {
      const session = h.start({ askPermissions: true });
      session.send("[[edit:always.txt|one]]");
      const { request } = await h.next("first request", isAsked);
      session.respondPermission?.(request.requestId, { behavior: "allow_always" });
      await h.turnEnd("first turn");
      const mark = h.events.length;
      session.send("[[edit:always.txt|two]]");
      await h.turnEnd("second turn", mark);
      expect(h.events.slice(mark).filter(isAsked)).toEqual([]);
      expect(readFileSync(join(h.env.cwd, "always.txt"), "utf8")).toContain("two");
    });

    it("kill while a request is pending withdraws it and leaves no process", async () => {
      const session = h.start({ askPermissions: true });
      session.send("[[shell:touch killed.txt]]");
      const { request } = await h.next("pending request", isAsked);
      const pid = session.pid as number;
      const tree = [pid, ...descendants(pid)];
      await session.kill();
      const withdrawn = await h.next("withdrawn", isWithdrawn);
      expect(withdrawn.requestId).toBe(request.requestId);
      await h.next("exit", (e): e is Extract<AgentEvent, { type: "exit" }> => e.type === "exit");
      expect(tree.filter((pid) => processAlive({ pid }))).toEqual([]);
      expect(existsSync(join(h.env.cwd, "killed.txt"))).toBe(false);
    });

    // Claude Code refuses to bypass permissions as root.
    it.skipIf(provider === "claude" && process.getuid?.() === 0)("bypassPermissions still asks nothing", async () => {
      const session = h.start({ askPermissions: true, permissionMode: "bypassPermissions" });
      session.send("[[shell:touch bypassed.txt]]");
      await h.turnEnd("turn");
      expect(h.events.filter(isAsked)).toEqual([]);
      expect(existsSync(join(h.env.cwd, "bypassed.txt"))).toBe(true);
    });

    // With deny rules, what the mode allows by itself still meets them (the driver asks their precheck), and nobody is asked.
    const guard = {
      rules: { deny: ["Bash(touch forbidden.txt)", "Edit(./forbidden.txt)"] },
      precheck: (r: PermissionRequest): PermissionRuling =>
        `${r.command ?? ""} ${r.path ?? ""}`.includes("forbidden")
          ? { decision: "deny", rule: "forbidden", why: "forbidden" }
          : { decision: "ask", why: "no rule" },
    };
    it.skipIf(provider === "claude" && process.getuid?.() === 0)(
      "bypassPermissions with deny rules: a denied command is refused, the rest runs, nothing is asked",
      async () => {
        const session = h.start({ askPermissions: true, permissionMode: "bypassPermissions", ...guard });
        session.send("[[shell:touch forbidden.txt]]");
        await h.turnEnd("denied turn");
        const done = h.events.length;
        session.send("[[shell:touch fine.txt]]");
        await h.turnEnd("allowed turn", done);
        expect(h.events.filter(isAsked)).toEqual([]);
        expect(existsSync(join(h.env.cwd, "forbidden.txt"))).toBe(false);
        expect(existsSync(join(h.env.cwd, "fine.txt"))).toBe(true);
      },
    );

    it("acceptEdits with deny rules: an edit they name is refused, another is not asked", async () => {
      const session = h.start({ askPermissions: true, permissionMode: "acceptEdits", ...guard });
      session.send("[[edit:forbidden.txt|no]]");
      await h.turnEnd("denied turn");
      const done = h.events.length;
      session.send("[[edit:fine.txt|yes]]");
      await h.turnEnd("allowed turn", done);
      expect(h.events.filter(isAsked)).toEqual([]);
      expect(existsSync(join(h.env.cwd, "forbidden.txt"))).toBe(false);
      expect(existsSync(join(h.env.cwd, "fine.txt"))).toBe(true);
    });

    it("acceptEdits: an edit inside the cwd is not asked", async () => {
      const session = h.start({ askPermissions: true, permissionMode: "acceptEdits" });
      session.send("[[edit:accepted.txt|fine]]");
      await h.turnEnd("turn");
      expect(h.events.filter(isAsked)).toEqual([]);
      expect(existsSync(join(h.env.cwd, "accepted.txt"))).toBe(true);
    });

    it("an interrupt while a request is pending withdraws it", async () => {
      const session = h.start({ askPermissions: true });
      session.send("[[shell:touch never.txt]]");
      const { request } = await h.next("pending request", isAsked);
      await session.interrupt();
      const withdrawn = await h.next("withdrawn", isWithdrawn);
      expect(withdrawn.requestId).toBe(request.requestId);
      await h.turnEnd("interrupted turn");
      expect(existsSync(join(h.env.cwd, "never.txt"))).toBe(false);
    });
  });
}
