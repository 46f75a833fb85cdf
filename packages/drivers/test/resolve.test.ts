import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DriverError, lookupFiles, resolveExecutable, spawnCli } from "../src/index.js";
import { descendants } from "../src/internal/tree.js";
import { processAlive } from "@subagent-mcp/state";

function fakeBin(dir: string, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, "#!/bin/sh\necho hi\n");
  chmodSync(path, 0o755);
  return path;
}

describe("resolveExecutable", () => {
  const dir = mkdtempSync(join(tmpdir(), "resolve-"));
  const onPath = fakeBin(dir, "codex");
  const override = fakeBin(dir, "my-codex");

  it("prefers an explicit path, then the env override, then PATH", () => {
    expect(resolveExecutable("codex", { explicit: override, env: { PATH: dir } })).toBe(override);
    expect(resolveExecutable("codex", { env: { PATH: dir, SUBAGENT_MCP_CODEX_PATH: override } })).toBe(override);
    expect(resolveExecutable("codex", { env: { PATH: `/nope:${dir}` } })).toBe(onPath);
  });

  it("takes an absolute command as that file alone", () => {
    expect(resolveExecutable("my-agent", { command: override, env: { PATH: dir } })).toBe(override);
    expect(() => resolveExecutable("my-agent", { command: "/srv/none/codex", env: { PATH: dir } })).toThrow(
      "my-agent CLI not found (tried command /srv/none/codex); install it or set SUBAGENT_MCP_MY_AGENT_PATH",
    );
  });

  it("names everything it tried when nothing is found", () => {
    let error: unknown;
    try {
      resolveExecutable("gemini", { explicit: "/no/such/gemini", env: { PATH: "/nowhere", SUBAGENT_MCP_GEMINI_PATH: "/also/missing" } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).code).toBe("EXECUTABLE_NOT_FOUND");
    expect((error as DriverError).message).toBe(
      'gemini CLI not found (tried explicit path /no/such/gemini, SUBAGENT_MCP_GEMINI_PATH /also/missing, "gemini" on PATH); install it or set SUBAGENT_MCP_GEMINI_PATH',
    );
  });
});

describe("lookupFiles", () => {
  it("names every file the lookup reads: the explicit path, the override, an absolute command, the command in each PATH folder", () => {
    const env = { PATH: "/usr/bin:/opt/tools/", SUBAGENT_MCP_MY_AGENT_PATH: "/home/me/bin/agent" };
    expect(lookupFiles("my-agent", { explicit: "relative/agent", env, command: "/srv/acp/agent" })).toEqual([
      join(process.cwd(), "relative", "agent"),
      "/home/me/bin/agent",
      "/srv/acp/agent",
    ]);
    // An absolute command is not looked for on PATH; a file named twice is read once.
    expect(lookupFiles("codex", { env: { PATH: "/usr/bin:/usr/bin/" } })).toEqual(["/usr/bin/codex"]);
  });
});

describe("spawnCli", () => {
  it("kills a whole tree, grandchildren included", async () => {
    const proc = spawnCli({ command: "sh", args: ["-c", "sleep 300 & sleep 300 & wait"], cwd: tmpdir() });
    await new Promise((r) => setTimeout(r, 200));
    const tree = [proc.pid as number, ...descendants(proc.pid as number)];
    expect(tree.length).toBeGreaterThanOrEqual(3);
    await proc.kill();
    expect(tree.filter((pid) => processAlive({ pid }))).toEqual([]);
    expect(await proc.exited).toEqual({ code: null, signal: "SIGKILL" });
  });

  it("reports a missing executable as an exit, not a crash", async () => {
    const proc = spawnCli({ command: "/no/such/binary", args: [], cwd: tmpdir() });
    const exit = await proc.exited;
    expect(exit.code === null || exit.code !== 0).toBe(true);
  });
});
