import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { cliExecutable, loopbackEnv, runCli, startAllFakes, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { MAILBOX_ENV } from "@subagent-mcp/mailbox/config";
import { bin } from "./e2e.js";

let env: CliEnvironment | undefined;
let fakes: Record<string, FakeModelServer> | undefined;
afterEach(async () => {
  await env?.cleanup();
  await Promise.all(Object.values(fakes ?? {}).map((f) => f.stop()));
  env = undefined;
});

const ours = (args: string[], e: CliEnvironment) => execa(process.execPath, [bin, ...args], { cwd: e.cwd, env: e.env, extendEnv: false, reject: false });

describe("setup, init and uninstall in a temporary HOME, read back by the real CLIs", () => {
  it("registers the server with all three hosts, which list it, and uninstall restores every byte", async () => {
    fakes = await startAllFakes();
    const e = (env = await loopbackEnv(fakes));
    const files = [
      join(e.home, ".claude.json"),
      join(e.env.CODEX_HOME ?? "", "config.toml"),
      join(e.home, ".gemini", "settings.json"),
      join(e.home, ".claude", "settings.json"),
    ];
    // The user's own content, comments included, must survive untouched.
    writeFileSync(files[2] as string, `// my gemini settings\n${readFileSync(files[2] as string, "utf8")}`);
    const before = files.map((f) => (existsSync(f) ? readFileSync(f, "utf8") : null));

    const dry = await ours(["setup", "--host", "claude,codex,gemini", "--dry-run"], e);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain('+[mcp_servers."subagent-mcp"]');
    expect(files.map((f) => (existsSync(f) ? readFileSync(f, "utf8") : null))).toEqual(before);

    const setup = await ours(["setup", "--host", "claude,codex,gemini"], e);
    expect(setup.exitCode, setup.stderr).toBe(0);
    expect(readFileSync(files[2] as string, "utf8")).toContain("// my gemini settings");
    const again = await ours(["setup", "--host", "claude,codex,gemini"], e);
    expect(again.stdout.match(/already up to date/g)).toHaveLength(6);
    // Setup then uninstall gives every file back byte for byte.
    expect((await ours(["uninstall"], e)).exitCode).toBe(0);
    expect(files.map((f) => (existsSync(f) ? readFileSync(f, "utf8") : null))).toEqual(before);
    expect((await ours(["setup", "--host", "claude,codex,gemini"], e)).exitCode).toBe(0);

    const claude = await runCli({ ...e, cli: "claude" }, ["mcp", "list"], { step: "claude mcp list", timeoutMs: 60_000 });
    expect(claude.stdout).toMatch(/subagent-mcp: .*Connected/);
    const codex = await runCli({ ...e, cli: "codex" }, ["mcp", "list"], { step: "codex mcp list", timeoutMs: 60_000 });
    expect(codex.stdout).toMatch(/subagent-mcp/);
    // Codex gives the server only the variables its entry names: every mailbox setting among them.
    const entry = await runCli({ ...e, cli: "codex" }, ["mcp", "get", "subagent-mcp", "--json"], { step: "codex mcp get", timeoutMs: 60_000 });
    expect((JSON.parse(entry.stdout) as { transport: { env_vars: string[] } }).transport.env_vars).toEqual(expect.arrayContaining(Object.values(MAILBOX_ENV)));
    const gemini = await runCli({ ...e, cli: "gemini" }, ["mcp", "list"], { step: "gemini mcp list", timeoutMs: 60_000 });
    expect(gemini.stdout + gemini.stderr).toMatch(/subagent-mcp/);

    // update re-applies what setup wrote, e.g. after the install moved.
    writeFileSync(files[1] as string, readFileSync(files[1] as string, "utf8").replace(/command = ".*"/, 'command = "/old/place/node"'));
    const update = await ours(["update"], e);
    expect(update.exitCode, update.stderr).toBe(0);
    expect(update.stdout).toContain("running from a source checkout");
    expect(update.stdout).toContain(`${files[1] as string}: re-applied`);
    expect(readFileSync(files[1] as string, "utf8")).toContain(`command = ${JSON.stringify(process.execPath)}`);
    // Claude Code rewrites ~/.claude.json as it runs: uninstall then removes just our entry.
    const removed = await ours(["uninstall"], e);
    expect(removed.exitCode, removed.stderr).toBe(0);
    for (const f of files) if (existsSync(f)) expect(readFileSync(f, "utf8")).not.toContain("subagent-mcp");
    expect(readFileSync(files[2] as string, "utf8")).toContain("// my gemini settings");
  });

  it("init writes the managed block after the first heading of each file, idempotently, and --remove takes it out", async () => {
    fakes = await startAllFakes();
    const e = (env = await loopbackEnv(fakes));
    const root = join(e.cwd, "proj");
    mkdirSync(root);
    writeFileSync(join(root, "AGENTS.md"), "\uFEFF# Rules\r\n\r\nBe nice.\r\n");
    const first = await ours(["init", "--root", root], e);
    expect(first.exitCode, first.stderr).toBe(0);
    const agents = readFileSync(join(root, "AGENTS.md"), "utf8");
    expect(agents.startsWith("\uFEFF# Rules\r\n<!-- subagent-mcp:begin")).toBe(true);
    expect(agents).toContain("launch_agent");
    expect(existsSync(join(root, "CLAUDE.md"))).toBe(true);
    expect((await ours(["init", "--root", root], e)).stdout.match(/unchanged/g)).toHaveLength(3);
    await ours(["init", "--root", root, "--remove", "--files", "AGENTS.md"], e);
    expect(readFileSync(join(root, "AGENTS.md"), "utf8")).toBe("\uFEFF# Rules\r\n\r\nBe nice.\r\n");
    // uninstall also removes the files init created.
    await ours(["uninstall"], e);
    expect(existsSync(join(root, "CLAUDE.md"))).toBe(false);
  });

  it("rejects an unknown host clearly", async () => {
    fakes = await startAllFakes();
    const e = (env = await loopbackEnv(fakes));
    const bad = await ours(["setup", "--host", "vim"], e);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe('subagent-mcp: --host must be claude, codex, gemini, qwen, opencode or claude-desktop (got "vim")');
  });
});

describe("doctor", () => {
  it("finds each pinned CLI, its version, our entry, and completes a handshake without a model call", async () => {
    fakes = await startAllFakes();
    const e = (env = await loopbackEnv(fakes));
    const withClis = {
      ...e,
      env: {
        ...e.env,
        SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude"),
        SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex"),
        SUBAGENT_MCP_GEMINI_PATH: cliExecutable("gemini"),
      },
    };
    await ours(["setup", "--host", "codex"], withClis);
    const out = await ours(["doctor"], withClis);
    expect(out.exitCode, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/claude: .*\n {2}version: 2\.1\.330.*\n {2}not installed \(no entry in .*, no plugin\)\n {2}handshake ok in \d+ ms/);
    expect(out.stdout).toMatch(/codex: .*\n {2}version: codex-cli 0\.169\.0\n {2}installed: setup \(in .*config\.toml\)\n {2}handshake ok in \d+ ms/);
    expect(out.stdout).toMatch(/gemini: .*\n {2}version: 0\.61\.0\n {2}not installed \(no entry in .*, no plugin\)\n {2}handshake ok in \d+ ms/);
    for (const f of Object.values(fakes)) expect(f.requests.filter((r) => r.reply !== "none")).toEqual([]);
  });
});
