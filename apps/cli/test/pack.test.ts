import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { cliExecutable, loopbackEnv, startAllFakes, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { execa } from "execa";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// What scripts/pack-install.mjs prints: the packed tarballs and the two npm installs.
interface Installed {
  prefix: string;
  seconds: number;
  kb: number;
}
interface Report {
  packages: { name: string; version: string; tarball: string; files: number }[];
  cli: Installed & { bin: string; installed: string[] };
  /** Only without --loopback-only. */
  all?: Installed & { installed: number; entries: number };
  problems: string[];
}

const script = fileURLToPath(new URL("../../../scripts/pack-install.mjs", import.meta.url));
const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

let dir: string | undefined;
let report: Report;
let fakes: Record<"claude" | "codex" | "gemini", FakeModelServer> | undefined;
let env: CliEnvironment;
let serverEnv: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "subagent-mcp-pack-"));
  // Packs every public package and installs the CLI's tarball with npm, offline (its own cache under
  // `dir`); the install of every library from the registry is `pnpm pack-install`'s (tests reach 127.0.0.1 only).
  const run = await execa(process.execPath, [script, "--dir", dir, "--loopback-only"], { reject: false });
  if (run.stdout.trim() === "") throw new Error(`pack-install failed:\n${run.stderr}`);
  report = JSON.parse(run.stdout) as Report;
  const started = (fakes = await startAllFakes());
  env = await loopbackEnv(started);
  serverEnv = {
    ...env.env,
    SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude"),
    SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex"),
    SUBAGENT_MCP_GEMINI_PATH: cliExecutable("gemini"),
  };
}, 900_000);

afterAll(async () => {
  await Promise.all(Object.values(fakes ?? {}).map((f) => f.stop()));
  await (env as CliEnvironment | undefined)?.cleanup();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe("the published packages, installed with npm from their tarballs", () => {
  it("pack clean and install with no development dependency; the CLI alone needs nothing else", () => {
    expect(report.problems).toEqual([]);
    expect(report.packages.map((p) => p.name)).toContain("subagent-mcp");
    expect(report.packages.every((p) => p.version === version)).toBe(true);
    expect(report.cli.installed).toEqual(["subagent-mcp"]);
    const installed = join(report.cli.prefix, "node_modules", "subagent-mcp");
    expect(existsSync(join(installed, "dist", "ui", "index.html"))).toBe(true);
    // The dependencies required on first call (ajv, the shell parser) ship beside the chunks that name them.
    const dist = join(installed, "dist");
    const lazy = new Set(
      readdirSync(dist)
        .filter((f) => f.endsWith(".js"))
        .flatMap((f) => [...readFileSync(join(dist, f), "utf8").matchAll(/lazy-[a-z-]+\.cjs/g)].map((m) => m[0])),
    );
    expect([...lazy].sort()).toEqual(["lazy-ajv.cjs", "lazy-bash-parser.cjs"]);
    for (const file of lazy) expect(existsSync(join(dist, file)), file).toBe(true);
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest.dependencies).toBeUndefined();
    process.stdout.write(`subagent-mcp alone: ${report.cli.kb} KB in ${report.cli.seconds} s (${report.packages.length} packages packed)\n`);
  });

  it("--version prints the packed version", async () => {
    const { stdout } = await execa(report.cli.bin, ["--version"], { env: serverEnv, extendEnv: false, cwd: env.cwd });
    expect(stdout.trim()).toBe(version);
  });

  it("serves MCP: handshake, tools/list, and a sub-agent's turn", async () => {
    const transport = new StdioClientTransport({ command: report.cli.bin, args: [], env: serverEnv, cwd: env.cwd, stderr: "pipe" });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: "pack-test", version: "1" });
    try {
      await client.connect(transport);
      expect(client.getServerVersion()?.version).toBe(version);
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).toEqual(expect.arrayContaining(["launch_agent", "wait", "poll_agent", "send_message", "list_agents"]));
      const launched = await client.callTool({ name: "launch_agent", arguments: { provider: "codex", prompt: "installed" } });
      expect(launched.isError, stderr).not.toBe(true);
      const id = (launched.structuredContent as { agent_id: string }).agent_id;
      const waited = await client.callTool({ name: "wait", arguments: { agent_ids: [id], timeout_s: 60 } });
      const finished = (waited.structuredContent as { finished: { result: string }[] }).finished;
      expect(finished[0]?.result, stderr).toContain(fakes?.codex.nonce);
    } finally {
      await client.close();
    }
  });

  it("setup --dry-run registers the installed copy and writes nothing", async () => {
    const main = realpathSync(join(report.cli.prefix, "node_modules", "subagent-mcp", "dist", "main.js"));
    const claudeJson = join(env.home, ".claude.json");
    const before = existsSync(claudeJson) ? readFileSync(claudeJson, "utf8") : null;
    const dry = await execa(report.cli.bin, ["setup", "--host", "claude,codex,gemini", "--dry-run"], {
      env: serverEnv,
      extendEnv: false,
      cwd: env.cwd,
      reject: false,
    });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(main);
    expect(existsSync(claudeJson) ? readFileSync(claudeJson, "utf8") : null).toBe(before);
  });

  it("doctor reports each CLI: found and answering, or not found", async () => {
    const found = await execa(report.cli.bin, ["doctor"], { env: serverEnv, extendEnv: false, cwd: env.cwd, reject: false });
    expect(found.exitCode, found.stdout + found.stderr).toBe(0);
    // One block per host: its first line unindented, the details below it.
    const blocks = found.stdout.split(/\n(?=\S)/);
    for (const host of ["claude", "codex", "gemini"]) expect(blocks.find((b) => b.startsWith(`${host}: `))).toContain("handshake ok");

    // A machine with none of the CLIs: a HOME of its own and only node on PATH.
    const bare = { HOME: env.home, PATH: dirname(process.execPath) };
    const missing = await execa(report.cli.bin, ["doctor"], { env: bare, extendEnv: false, cwd: env.cwd, reject: false });
    expect(missing.exitCode, missing.stderr).toBe(0);
    for (const host of ["claude", "codex", "gemini"]) expect(missing.stdout).toMatch(new RegExp(`^${host}: `, "m"));
  });
});
