import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { bin } from "./e2e.js";

let base: string | undefined;
afterEach(() => {
  if (base !== undefined) rmSync(base, { recursive: true, force: true });
  base = undefined;
});

describe("doctor --mcp", () => {
  it("lists the user's MCP servers per host with secrets hidden, and a broken file as a problem, exiting 0", async () => {
    base = mkdtempSync(join(tmpdir(), "doctor-mcp-"));
    const home = join(base, "home");
    const project = join(base, "repo");
    for (const dir of [join(home, ".codex"), join(home, ".gemini"), join(project, ".git")]) mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(home, ".claude.json"),
      JSON.stringify({
        mcpServers: { github: { command: "gh-mcp", env: { GITHUB_TOKEN: "${GH}" } }, "subagent-mcp": { command: "subagent-mcp", args: ["mcp"] } },
      }),
    );
    writeFileSync(
      join(project, ".mcp.json"),
      '{ // project\n "mcpServers": { "docs": { "type": "http", "url": "https://docs.example/mcp", "headers": { "X-Key": "k-secret" } } } }',
    );
    writeFileSync(join(home, ".codex", "config.toml"), '[mcp_servers.search]\ncommand = "search-mcp"\nargs = ["--fast"]\n');
    writeFileSync(join(home, ".gemini", "settings.json"), "{ broken");
    const out = await execa(process.execPath, [bin, "doctor", "--mcp"], {
      cwd: project,
      env: { HOME: home, PATH: process.env.PATH ?? "", GH: "ghp-secret" },
      extendEnv: false,
      reject: false,
    });
    expect(out.exitCode, out.stderr).toBe(0);
    expect(out.stdout).toContain(`claude:\n  docs (project, ${join(project, ".mcp.json")})\n    http: https://docs.example/mcp  headers: X-Key=***`);
    expect(out.stdout).toContain(`  github (user, ${join(home, ".claude.json")})\n    stdio: gh-mcp  env: GITHUB_TOKEN=***`);
    expect(out.stdout).toContain("codex:\n  search (user, ");
    expect(out.stdout).toContain("    stdio: search-mcp --fast");
    expect(out.stdout).toContain("qwen: no MCP servers");
    expect(out.stdout).toMatch(/problems:\n {2}gemini: .*settings\.json skipped: not valid JSON/);
    expect(out.stdout).not.toMatch(/ghp-secret|k-secret|subagent-mcp \(/);
  });
});
