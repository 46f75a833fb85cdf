import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { readConfig } from "../src/mcp/read-config.js";
import { readChecked } from "../src/plugin-record.js";
import { parseToml } from "../src/toml-block.js";
import { thrown } from "./thrown.js";

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

// readChecked keeps what a plugin record was checked to, for the launches that ask it again.
describe("readChecked", () => {
  const Record = z.looseObject({ plugins: z.record(z.string(), z.unknown()).optional() });
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "read-checked-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a record read before from what it was checked to, until the file changes", () => {
    const path = join(dir, "installed_plugins.json");
    expect(readChecked(path, Record)).toBeUndefined();
    writeFileSync(path, '{"plugins":{"a":1}}');
    const first = readChecked(path, Record);
    expect(first).toEqual({ plugins: { a: 1 } });
    expect(readChecked(path, Record)).toBe(first);
    // Another schema or parser is read and checked again.
    expect(readChecked(path, Record, (text) => ({ ...(JSON.parse(text) as object), more: true }))).toEqual({ plugins: { a: 1 }, more: true });
    // Another size: a rewrite within the kernel's clock tick may keep both times.
    writeFileSync(path, '{"plugins":{"bb":2}}');
    expect(readChecked(path, Record)).toEqual({ plugins: { bb: 2 } });
    rmSync(path);
    expect(readChecked(path, Record)).toBeUndefined();
  });

  it("keeps no record that failed: the file is read again, and its fix is seen", () => {
    const path = join(dir, "config.toml");
    writeFileSync(path, "plugins = 3\n");
    expect(thrown(() => readChecked(path, Record, parseToml))).toMatchObject({ code: "UNPARSEABLE" });
    expect(thrown(() => readChecked(path, Record, parseToml))).toMatchObject({ code: "UNPARSEABLE" });
    writeFileSync(path, '[plugins."subagent-mcp@x"]\nenabled = false\n');
    expect(readChecked(path, Record, parseToml)).toEqual({ plugins: { "subagent-mcp@x": { enabled: false } } });
  });
});
