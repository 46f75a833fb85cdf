import { execa } from "execa";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bin } from "./e2e.js";

// `subagent-mcp demo` as a newcomer runs it: the built binary, the pinned CLIs of this checkout,
// a HOME of the test's own that must come out exactly as it went in.
interface Report {
  ok: boolean;
  clis: { cli: string; source: string }[];
  steps: { name: string; ok: boolean; ms: number; detail: string }[];
  failed: string[];
}

let root: string | undefined;
afterEach(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

// Every path under `dir` with its size and modification time.
function snapshot(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const s = statSync(join(dir, entry));
    out.push(`${entry} ${s.size} ${s.mtimeMs}`);
  }
  return out.sort();
}

// A HOME holding one file of the user's, and a TMPDIR; both under a folder of the test.
function world(): { home: string; tmp: string; env: Record<string, string> } {
  root = mkdtempSync(join(tmpdir(), "demo-test-"));
  const home = join(root, "home");
  const tmp = join(root, "tmp");
  mkdirSync(join(home, ".config"), { recursive: true });
  mkdirSync(tmp);
  writeFileSync(join(home, ".config", "mine.txt"), "the user's own file\n");
  const env = { PATH: process.env.PATH ?? "", HOME: home, TMPDIR: tmp, XDG_CONFIG_HOME: join(home, ".config"), XDG_STATE_HOME: join(home, ".state") };
  return { home, tmp, env };
}

describe("subagent-mcp demo", () => {
  it("--json: every step passes with all three CLIs, and HOME and TMPDIR are left as they were", { timeout: 300_000 }, async () => {
    const { home, tmp, env } = world();
    const before = snapshot(home);
    const run = await execa(process.execPath, [bin, "demo", "--json"], { env, extendEnv: false, cwd: tmp, reject: false });
    expect(run.exitCode, run.stderr + run.stdout).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.clis).toEqual([
      { cli: "claude", source: "pinned", path: expect.any(String) as string },
      { cli: "codex", source: "pinned", path: expect.any(String) as string },
      { cli: "gemini", source: "pinned", path: expect.any(String) as string },
    ]);
    expect(report.steps.map((s) => s.name)).toEqual([
      "start local model servers",
      "start the MCP server",
      "launch 3 agents in parallel",
      "wait for all three",
      "follow-up with send_message",
      "pooled task with invoke",
      "permission answered by a rule",
      "message between two agents",
    ]);
    expect(report.steps.filter((s) => !s.ok)).toEqual([]);
    expect(report).toMatchObject({ ok: true, failed: [] });
    expect(report.steps[2]?.detail).toMatch(/\(claude\), .+ \(codex\), .+ \(gemini\)$/);
    expect(report.steps[6]?.detail).toContain("allowed by Bash(touch:*) (audit log)");
    const addresses = report.steps[0]?.detail.match(/\S+:\d+/g) ?? [];
    expect(addresses).toHaveLength(3);
    for (const address of addresses) expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(snapshot(home)).toEqual(before);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("plain: one aligned line per step, then the summary", { timeout: 300_000 }, async () => {
    const { home, tmp, env } = world();
    const before = snapshot(home);
    const run = await execa(process.execPath, [bin, "demo"], { env, extendEnv: false, cwd: tmp, reject: false });
    expect(run.exitCode, run.stderr + run.stdout).toBe(0);
    const lines = run.stdout.split("\n");
    const steps = lines.filter((l) => /^ {2}(ok {2}|FAIL) {2}/.test(l));
    expect(steps).toHaveLength(8);
    expect(steps.every((l) => l.startsWith("  ok  "))).toBe(true);
    // The milliseconds end in one column.
    expect(new Set(steps.map((l) => l.indexOf(" ms ")))).toHaveLength(1);
    expect(lines.slice(1, 4)).toEqual(
      ["Claude Code", "Codex", "Gemini CLI"].map((title) => expect.stringMatching(new RegExp(`^ {2}- ${title}: pinned build of this checkout, /`)) as string),
    );
    expect(run.stdout).toMatch(/\nAll 8 steps passed in \d+\.\d s\./);
    expect(snapshot(home)).toEqual(before);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
