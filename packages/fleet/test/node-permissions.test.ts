import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentEvent, Session } from "@subagent-mcp/core";
import { afterAll, describe, expect, it } from "vitest";
import { withinNodeCeiling } from "../src/node/node-ceiling.js";
import { NodePermissions } from "../src/node/node-permissions.js";
import { CommandSchema, remoteSpec } from "../src/protocol/protocol.js";
import type { PermissionDecision, PermissionKind, PermissionRequest } from "@subagent-mcp/contract";

const dir = mkdtempSync(join(tmpdir(), "fleet-ceiling-"));
const root = join(dir, "root");
const outside = join(dir, "outside");
mkdirSync(join(root, "work"), { recursive: true });
mkdirSync(outside);
symlinkSync(outside, join(root, "escape"));
symlinkSync(join(root, "work"), join(root, "alias"));
symlinkSync(root, join(dir, "root-link"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let ids = 0;
function request(tool: string, kind: PermissionKind, target: Partial<PermissionRequest> = {}): PermissionRequest {
  return { requestId: `r${String(++ids)}`, tool, kind, input: {}, ...target };
}

/** A gate in front of a session that records what the CLI was answered and what went on to the orchestrator. */
function gated(ceiling: { permissionMode?: string; disallowedTools?: string[] }) {
  const gate = new NodePermissions({ roots: [root], ...ceiling }, { node: "b", agent: "r-1", cwd: join(root, "work") });
  const answered: [string, PermissionDecision][] = [];
  const forwarded: AgentEvent[] = [];
  const session = {
    respondPermission: (id: string, d: PermissionDecision) => {
      answered.push([id, d]);
    },
  } as unknown as Session;
  const listener = gate.listen(
    () => session,
    (e) => {
      forwarded.push(e);
    },
    () => undefined,
  );
  return {
    gate,
    answered,
    forwarded,
    ask: (r: PermissionRequest) => {
      listener({ type: "permission_request", request: r });
    },
  };
}

describe("the node's judgement of its agents' permission requests", () => {
  it("under a plan ceiling denies whatever writes or runs, on every CLI's naming, and an orchestrator's allow does not reach the CLI", () => {
    const { gate, answered, forwarded, ask } = gated({ permissionMode: "plan" });
    const writes = [
      request("Write", "edit", { path: join(root, "work", "a.txt") }),
      request("Edit", "edit", { path: join(root, "work", "a.txt") }),
      request("Bash", "shell", { command: "touch x" }),
      request("mcp__srv__tool", "mcp"),
      request("RequestPermissions", "other"),
      request("ExitPlanMode", "other"),
    ];
    for (const r of writes) ask(r);
    expect(answered.map(([id, d]) => [id, d.behavior])).toEqual(writes.map((r) => [r.requestId, "deny"]));
    expect(answered[0]?.[1].message).toContain('machine "b" lets its agents only plan (fleet.permission_mode plan)');
    // The orchestrator hears of each as an error naming the node's ceiling, never as a request to answer.
    expect(forwarded.every((e) => e.type === "error" && e.message.startsWith("denied by the node's ceiling: "))).toBe(true);
    for (const r of writes) expect(gate.answer(r.requestId, { behavior: "allow" })).toBeUndefined();
    // A guessed id that was never forwarded is dropped too.
    expect(gate.answer("0", { behavior: "allow" })).toBeUndefined();
  });

  it("under a plan ceiling forwards reads and page fetches, takes one answer for each, and makes allow-always one allow", () => {
    const { gate, answered, forwarded, ask } = gated({ permissionMode: "plan" });
    const read = request("Read", "read", { path: "/etc/hosts" });
    const fetch = request("WebFetch", "fetch", { url: "https://example.com" });
    ask(read);
    ask(fetch);
    expect(answered).toEqual([]);
    expect(forwarded.map((e) => e.type)).toEqual(["permission_request", "permission_request"]);
    expect(gate.answer(read.requestId, { behavior: "allow_always" })).toEqual({ behavior: "allow" });
    expect(gate.answer(read.requestId, { behavior: "allow" })).toBeUndefined();
    expect(gate.answer(fetch.requestId, { behavior: "deny", message: "no" })).toEqual({ behavior: "deny", message: "no" });
  });

  it("denies the node's disallowed tools at any level, commands behind sh -c too; others go to the orchestrator", () => {
    const { gate, answered, forwarded, ask } = gated({ permissionMode: "bypassPermissions", disallowedTools: ["WebFetch", "Bash(rm:*)"] });
    ask(request("WebFetch", "fetch", { url: "https://example.com" }));
    ask(request("Bash", "shell", { command: "sh -c 'rm -rf x'" }));
    expect(answered.map(([, d]) => d.message)).toEqual([
      expect.stringContaining('machine "b" disallows WebFetch (fleet.disallowed_tools)'),
      expect.stringContaining('machine "b" disallows Bash(rm:*) (fleet.disallowed_tools)'),
    ]);
    const touch = request("Bash", "shell", { command: "touch x" });
    ask(touch);
    expect(forwarded.at(-1)).toEqual({ type: "permission_request", request: touch });
    expect(gate.answer(touch.requestId, { behavior: "allow" })).toEqual({ behavior: "allow" });
  });

  it("with no ceiling to hold, passes every request and answer through as they are", () => {
    const { gate, answered, ask } = gated({ permissionMode: "default" });
    const write = request("Write", "edit", { path: join(root, "work", "a.txt") });
    ask(write);
    expect(answered).toEqual([]);
    expect(gate.answer(write.requestId, { behavior: "allow_always" })).toEqual({ behavior: "allow_always" });
  });
});

describe("a launch within the node's ceiling", () => {
  const ceiling = { roots: [join(dir, "root-link")] };

  it("works in its cwd's real path: a link inside the roots that leads out is refused, one that stays in is resolved", () => {
    expect(withinNodeCeiling({ cwd: join(root, "alias") }, ceiling, "b").cwd).toBe(join(root, "work"));
    expect(() => withinNodeCeiling({ cwd: join(root, "escape") }, ceiling, "b")).toThrow(`machine "b" refuses cwd ${join(root, "escape")}`);
    expect(() => withinNodeCeiling({ cwd: join(root, "escape") }, ceiling, "b")).toThrow(`(it leads to ${outside})`);
    expect(() => withinNodeCeiling({ cwd: join(root, "gone") }, ceiling, "b")).toThrow("there is no such folder there");
    expect(() => withinNodeCeiling({ cwd: "work" }, ceiling, "b")).toThrow("it must be an absolute path");
  });

  it("runs at most at the ceiling's level, in permissions' order of levels", () => {
    const at = (permissionMode: string | undefined, asked?: string, provider?: string, disallowedTools?: string[]) =>
      withinNodeCeiling(
        { cwd: root, ...(asked === undefined ? {} : { permissionMode: asked }) },
        { ...ceiling, ...(permissionMode === undefined ? {} : { permissionMode }), ...(disallowedTools === undefined ? {} : { disallowedTools }) },
        "b",
        provider,
      ).permissionMode;
    expect(at("plan", "bypassPermissions")).toBe("plan");
    expect(at("plan")).toBe("plan");
    expect(at("acceptEdits", "auto")).toBe("acceptEdits");
    expect(at("acceptEdits", "workspace-write")).toBe("workspace-write");
    expect(at("default", "read-only")).toBe("read-only");
    expect(at("default", "no-such-mode")).toBe("default");
    // With disallowed tools, a CLI that cannot enforce them itself runs where each edit and command asks.
    expect(at("bypassPermissions", "bypassPermissions", "codex", ["WebFetch"])).toBe("default");
    expect(at(undefined, "acceptEdits", "gemini", ["WebFetch"])).toBe("default");
    expect(at(undefined, "bypassPermissions", "claude", ["WebFetch"])).toBe("bypassPermissions");
  });

  it("turns the disallowed tools into deny rules of a launch that asks, and refuses one that is no rule", () => {
    const spec = withinNodeCeiling({ cwd: root, rules: { deny: ["Read(.env)"], ask: ["Bash"] } }, { ...ceiling, disallowedTools: ["WebFetch"] }, "b", "codex");
    expect(spec).toMatchObject({ askPermissions: true, disallowedTools: ["WebFetch"], rules: { deny: ["Read(.env)", "WebFetch"], ask: ["Bash"] } });
    expect(withinNodeCeiling({ cwd: root }, ceiling, "b").askPermissions).toBeUndefined();
    expect(() => withinNodeCeiling({ cwd: root }, { ...ceiling, disallowedTools: ["Bash()"] }, "b")).toThrow(
      'fleet.disallowed_tools holds "Bash()", which is not a rule',
    );
  });

  it("runs no process a launch names: MCP servers, an MCP config and settings are not read off a launch command", () => {
    const server = { name: "subagent-mcp", command: "sh", args: ["-c", "touch /tmp/ran"], env: {} };
    const asked = { cwd: root, mcpServers: [server], mcpConfig: JSON.stringify({ mcpServers: { x: server } }), settings: "{}", strictMcpConfig: false };
    expect(Object.keys(remoteSpec(asked))).toEqual(["cwd"]);
    // A command written by hand, signed, still reaches the node's driver with its CLI's own fields alone.
    const launch = CommandSchema.parse({ kind: "launch", agent: "a1", provider: "claude", owner: "o", spec: asked });
    expect(launch.kind === "launch" ? Object.keys(launch.spec) : []).toEqual(["cwd"]);
  });

  it("carries no trace setting, which may hold the OTLP collector's credentials, out of the orchestrator nor into the node's journal", () => {
    const passed = JSON.stringify({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://u:hunter2@127.0.0.1:4318", OTEL_EXPORTER_OTLP_HEADERS: "k=sekrit" });
    const env = { SUBAGENT_MCP_OTEL_ENV: passed, OTEL_EXPORTER_OTLP_TRACES_HEADERS: "k=sekrit", SUBAGENT_MCP_DEPTH: "1" };
    expect(remoteSpec({ cwd: root, env }).env).toEqual({ SUBAGENT_MCP_DEPTH: "1" });
    // An older orchestrator's launch: what the node keeps and runs has none either.
    const kept = withinNodeCeiling({ cwd: root, env }, ceiling, "b").env ?? {};
    expect(Object.keys(kept).filter((name) => name.includes("OTEL"))).toEqual([]);
    expect(kept).toMatchObject({ SUBAGENT_MCP_DEPTH: "1" });
  });

  it("holds what a nested server under its agent may grant to the node's ceiling, whatever the launch's env says", () => {
    const env = (
      over: Record<string, string>,
      asked: { permissionMode?: string; allowedTools?: string[] } = {},
      node: { permissionMode?: string; maxDepth?: number } = {},
    ): Record<string, string> => withinNodeCeiling({ cwd: root, ...asked, env: over }, { ...ceiling, ...node }, "b").env ?? {};
    const wide = {
      SUBAGENT_MCP_PERMISSION_CEILING: "bypassPermissions",
      SUBAGENT_MCP_TOOLS_CEILING: "*",
      SUBAGENT_MCP_MAX_DEPTH: "10",
      SUBAGENT_MCP_DEPTH: "0",
    };
    // The level: at most the node's permission_mode, and at most the launch's mode as capped.
    expect(env(wide, { permissionMode: "bypassPermissions" }, { permissionMode: "plan" })).toMatchObject({ SUBAGENT_MCP_PERMISSION_CEILING: "plan" });
    expect(env(wide, { permissionMode: "acceptEdits" })).toMatchObject({ SUBAGENT_MCP_PERMISSION_CEILING: "acceptEdits" });
    expect(env(wide)).toMatchObject({ SUBAGENT_MCP_PERMISSION_CEILING: "default" });
    expect(env({ ...wide, SUBAGENT_MCP_PERMISSION_CEILING: "plan" }, { permissionMode: "bypassPermissions" })).toMatchObject({
      SUBAGENT_MCP_PERMISSION_CEILING: "plan",
    });
    expect(env({ ...wide, SUBAGENT_MCP_PERMISSION_CEILING: "root" }, { permissionMode: "acceptEdits" })).toMatchObject({
      SUBAGENT_MCP_PERMISSION_CEILING: "acceptEdits",
    });
    // Missing, it is set: a server at depth 0 with no ceiling could grant anything.
    expect(env({}, {}, { permissionMode: "plan" })).toMatchObject({
      SUBAGENT_MCP_PERMISSION_CEILING: "plan",
      SUBAGENT_MCP_TOOLS_CEILING: "[]",
      SUBAGENT_MCP_DEPTH: "1",
    });
    // The tools: at most the launch's own below bypassPermissions ("*" becomes them).
    expect(env(wide, { permissionMode: "bypassPermissions", allowedTools: ["Bash(git:*)"] }, { permissionMode: "acceptEdits" })).toMatchObject({
      SUBAGENT_MCP_TOOLS_CEILING: JSON.stringify(["Bash(git:*)"]),
    });
    expect(
      env({ ...wide, SUBAGENT_MCP_TOOLS_CEILING: JSON.stringify(["WebFetch", "Read", "Bash(git log:*)"]) }, { allowedTools: ["Read", "Bash"] }),
    ).toMatchObject({
      SUBAGENT_MCP_TOOLS_CEILING: JSON.stringify(["Read", "Bash(git log:*)"]),
    });
    expect(env(wide, { permissionMode: "bypassPermissions" })).toMatchObject({
      SUBAGENT_MCP_PERMISSION_CEILING: "bypassPermissions",
      SUBAGENT_MCP_TOOLS_CEILING: "*",
    });
    // The max depth: at most the node's max_depth; lower stays.
    expect(env(wide, {}, { maxDepth: 2 })).toMatchObject({ SUBAGENT_MCP_MAX_DEPTH: "2", SUBAGENT_MCP_DEPTH: "1" });
    expect(env({ ...wide, SUBAGENT_MCP_MAX_DEPTH: "1" }, {}, { maxDepth: 2 })).toMatchObject({ SUBAGENT_MCP_MAX_DEPTH: "1" });
    expect(env({}, {}, { maxDepth: 3 })).toMatchObject({ SUBAGENT_MCP_MAX_DEPTH: "3" });
  });
});
