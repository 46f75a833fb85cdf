import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readConfig } from "../src/mcp/read-config.js";

// readConfig answers a file it read before from what that parsed to: each change must still be seen.
describe("readConfig", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string): string => {
    const dir = mkdtempSync(join(tmpdir(), "read-config-"));
    dirs.push(dir);
    return join(dir, name);
  };

  it("sees a file rewritten in place at the same size, replaced by a rename, removed and made again", async () => {
    const path = file("settings.json");
    writeFileSync(path, '{"mcpServers":{"a":1}}');
    expect(await readConfig(path, "jsonc")).toEqual({ kind: "ok", data: { mcpServers: { a: 1 } } });
    expect(await readConfig(path, "jsonc")).toEqual({ kind: "ok", data: { mcpServers: { a: 1 } } });
    writeFileSync(path, '{"mcpServers":{"b":2}}');
    expect(await readConfig(path, "jsonc")).toEqual({ kind: "ok", data: { mcpServers: { b: 2 } } });
    writeFileSync(`${path}.new`, '{"mcpServers":{"c":3}} // a comment');
    renameSync(`${path}.new`, path);
    expect(await readConfig(path, "jsonc")).toEqual({ kind: "ok", data: { mcpServers: { c: 3 } } });
    rmSync(path);
    expect(await readConfig(path, "jsonc")).toEqual({ kind: "missing" });
    writeFileSync(path, "{ not json");
    expect(await readConfig(path, "jsonc")).toMatchObject({ kind: "bad", reason: expect.stringMatching(/^not valid JSON/) as string });
  });

  it("reads a file under a path through a file as missing, and TOML and JSON of one path apart", async () => {
    const path = file("config.toml");
    writeFileSync(path, "[mcp_servers.x]\ncommand = 'y'\n");
    expect(await readConfig(join(path, "inside"), "toml")).toEqual({ kind: "missing" });
    expect(await readConfig(path, "toml")).toEqual({ kind: "ok", data: { mcp_servers: { x: { command: "y" } } } });
    expect((await readConfig(path, "jsonc")).kind).toBe("bad");
  });
});
