import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import {
  CLI_VERSION_NAMES,
  cliExecutable,
  installedCliVersion,
  loopbackEnv,
  startAllFakes,
  startFakeFor,
  type CliEnvironment,
  type FakeModelServer,
} from "@subagent-mcp/testkit";
import { bin } from "./e2e.js";

let env: CliEnvironment | undefined;
let fakes: FakeModelServer[] = [];
afterEach(async () => {
  await env?.cleanup();
  await Promise.all(fakes.map((f) => f.stop()));
  env = undefined;
  fakes = [];
});

const doctor = (args: string[], e: CliEnvironment, extra: Record<string, string>) =>
  execa(process.execPath, [bin, "doctor", ...args], { cwd: e.cwd, env: { ...e.env, ...extra }, extendEnv: false, reject: false });

describe("doctor --run", () => {
  for (const version of CLI_VERSION_NAMES) {
    it(`checks each ${version} CLI against the table and runs one real turn through its driver`, async () => {
      const all = await startAllFakes();
      fakes = Object.values(all);
      const e = (env = await loopbackEnv(all));
      const paths = {
        SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude", version),
        SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex", version),
        SUBAGENT_MCP_GEMINI_PATH: cliExecutable("gemini", version),
        SUBAGENT_MCP_QWEN_PATH: cliExecutable("qwen", version),
      };
      const out = await doctor(["--run"], e, paths);
      expect(out.exitCode, out.stdout + out.stderr).toBe(0);
      // An ACP agent's line also says what its handshake offers and that it starts our MCP servers.
      expect(out.stdout).toMatch(
        /qwen: [^\n]*\n[\s\S]*ACP agent qwen-code: session\/load yes, MCP servers over stdio\/http\/sse; starts the MCP servers given in session\/new/,
      );
      expect(out.stdout).toContain("opencode: not found");
      for (const cli of ["claude", "codex", "gemini", "qwen"] as const) {
        const release = installedCliVersion(cli, version).replace(/\./g, "\\.");
        const fake = all[cli];
        expect(out.stdout).toMatch(new RegExp(`${cli}: .*\\n {2}version: .*${release}.*\\n(?: {2}.*\\n)* {2}compatibility: tested`));
        // How its sub-agents reach the server that launched them: its own way of taking our entry in place of the user's.
        expect(out.stdout).toMatch(
          new RegExp(`${cli}: .*\\n {2}version: .*\\n(?: {2}.*\\n)* {2}nesting: its sub-agents reach the server that launched them over loopback`),
        );
        // The turn went through the fake (the CLI's "own login" here) and came back with its nonce.
        expect(out.stdout).toMatch(new RegExp(`compatibility: tested[^\\n]*\\n {2}turn ok in \\d+ ms[^\\n]*${fake.nonce}`));
        expect(fake.requests.some((r) => r.lastUserText.includes("Reply with the single word"))).toBe(true);
      }
    });
  }

  it("--host runs one CLI only, and a failing model is reported with what failed", async () => {
    const fake = await startFakeFor("codex");
    fakes = [fake];
    const e = (env = await loopbackEnv("codex", fake));
    fake.script(() => ({ kind: "error", status: 401, message: "invalid api key" }));
    const out = await doctor(["--run", "--host", "codex"], e, { SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex") });
    expect(out.exitCode).toBe(1);
    expect(out.stdout).not.toContain("claude:");
    expect(out.stdout).toMatch(/codex: [^\n]*\n {2}version: codex-cli [\s\S]*\n {2}turn FAILED after \d+ ms: .+/);
  });

  it("says which sandbox the CLIs run in (the handshake runs in it), or that rules alone keep the secrets when it is off", async () => {
    const fake = await startFakeFor("codex");
    fakes = [fake];
    const e = (env = await loopbackEnv("codex", fake));
    const on = await doctor(["--host", "codex"], e, { SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex") });
    expect(on.exitCode, on.stdout + on.stderr).toBe(0);
    expect(on.stdout).toMatch(/^sandbox: bwrap \(\S*bwrap\): sub-agents' CLIs run where the fleet key/m);
    expect(on.stdout).toMatch(/handshake ok in \d+ ms/);
    const off = await doctor(["--host", "codex"], e, { SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex"), SUBAGENT_MCP_SANDBOX: "off" });
    expect(off.stdout).toMatch(/^sandbox: NONE \(turned off by the sandbox setting[^\n]*permission rules only/m);
  });

  it("a release in a known incompatible range is named with its reason and fix, and no turn is tried", async () => {
    const fake = await startFakeFor("codex");
    fakes = [fake];
    const e = (env = await loopbackEnv("codex", fake));
    // An old Codex as far as doctor can tell: it prints an old version and speaks no app-server.
    const old = join(e.home, "old-codex");
    writeFileSync(old, '#!/bin/sh\necho "codex-cli 0.50.0"\n');
    chmodSync(old, 0o755);
    const out = await doctor(["--run", "--host", "codex"], e, { SUBAGENT_MCP_CODEX_PATH: old });
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain("compatibility: known incompatible — no app-server thread API");
    expect(out.stdout).toContain("fix: npm install -g @openai/codex@latest");
    expect(out.stdout).not.toContain("turn ");
    expect(fake.requests).toEqual([]);
  });

  it("an unknown --host is a usage error", async () => {
    const fake = await startFakeFor("claude");
    fakes = [fake];
    const e = (env = await loopbackEnv("claude", fake));
    const out = await doctor(["--host", "vim"], e, {});
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toBe('subagent-mcp: --host must be one of the configured providers: claude, codex, gemini, qwen, opencode (got "vim")');
  });
});
