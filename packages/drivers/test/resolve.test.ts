import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DriverError, lookupFolders, resolveExecutable, spawnCli } from "../src/index.js";
import { descendants } from "../src/internal/tree.js";
import { isAlive as alive } from "../src/index.js";

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

describe("lookupFolders", () => {
  it("names every folder the lookup reads: an explicit path's, the override's, an absolute command's, PATH's", () => {
    const env = { PATH: "/usr/bin:/opt/tools/", SUBAGENT_MCP_MY_AGENT_PATH: "/home/me/bin/agent" };
    expect(lookupFolders("my-agent", { explicit: "relative/agent", env, command: "/srv/acp/agent" })).toEqual([
      join(process.cwd(), "relative"),
      "/home/me/bin",
      "/srv/acp",
      "/usr/bin",
      "/opt/tools",
    ]);
    // A command on PATH adds nothing of its own; a folder named twice is read once.
    expect(lookupFolders("codex", { env: { PATH: "/usr/bin:/usr/bin/" } })).toEqual(["/usr/bin"]);
  });
});

describe("spawnCli", () => {
  it("kills a whole tree, grandchildren included", async () => {
    const proc = spawnCli({ command: "sh", args: ["-c", "sleep 300 & sleep 300 & wait"], cwd: tmpdir() });
    await new Promise((r) => setTimeout(r, 200));
    const tree = [proc.pid as number, ...descendants(proc.pid as number)];
    expect(tree.length).toBeGreaterThanOrEqual(3);
    await proc.kill();
    expect(tree.filter(alive)).toEqual([]);
    expect(await proc.exited).toEqual({ code: null, signal: "SIGKILL" });
  });

  it("reports a missing executable as an exit, not a crash", async () => {
    const proc = spawnCli({ command: "/no/such/binary", args: [], cwd: tmpdir() });
    const exit = await proc.exited;
    expect(exit.code === null || exit.code !== 0).toBe(true);
  });
});
