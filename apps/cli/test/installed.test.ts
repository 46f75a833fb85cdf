import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@subagent-mcp/config";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { installedCheck } from "../src/mcp/installed.js";

// A launch asks whether each candidate's CLI is installed; the answer is remembered, and a CLI
// installed or removed meanwhile is seen without a restart (the folders are watched).
describe("installedCheck", () => {
  let root: string;
  const saved = { PATH: process.env.PATH, CLAUDE: process.env.SUBAGENT_MCP_CLAUDE_PATH };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "subagent-mcp-installed-"));
    delete process.env.SUBAGENT_MCP_CLAUDE_PATH;
  });
  afterEach(() => {
    process.env.PATH = saved.PATH;
    if (saved.CLAUDE !== undefined) process.env.SUBAGENT_MCP_CLAUDE_PATH = saved.CLAUDE;
    rmSync(root, { recursive: true, force: true });
  });
  const config = () => loadConfig({ cwd: root, env: { HOME: root, XDG_CONFIG_HOME: join(root, "config"), XDG_STATE_HOME: join(root, "state") } });
  // The watch's event reaches the check in its own time: the answer is awaited, not expected at once.
  const settles = (installed: (provider: "claude") => boolean, expected: boolean): Promise<void> =>
    vi.waitFor(
      () => {
        expect(installed("claude")).toBe(expected);
      },
      { timeout: 30_000 },
    );
  const install = (dir: string): void => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "claude"), "#!/bin/sh\n");
    chmodSync(join(dir, "claude"), 0o755);
  };

  it("sees a CLI installed into a PATH folder, and removed from it, while it runs", async () => {
    const bin = join(root, "bin");
    mkdirSync(bin);
    process.env.PATH = bin;
    const installed = installedCheck(config());
    expect(installed("claude")).toBe(false);
    install(bin);
    await settles(installed, true);
    rmSync(join(bin, "claude"));
    await settles(installed, false);
  });

  it("sees a CLI made executable, whatever else changes in its folder", async () => {
    const bin = join(root, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "claude"), "#!/bin/sh\n");
    process.env.PATH = bin;
    const installed = installedCheck(config());
    expect(installed("claude")).toBe(false);
    writeFileSync(join(bin, "unrelated"), "");
    expect(installed("claude")).toBe(false);
    chmodSync(join(bin, "claude"), 0o755);
    await settles(installed, true);
  });

  it("sees a PATH folder that did not exist when it first looked", async () => {
    const later = join(root, "later", "bin");
    process.env.PATH = later;
    const installed = installedCheck(config());
    expect(installed("claude")).toBe(false);
    install(later);
    await settles(installed, true);
  });
});
