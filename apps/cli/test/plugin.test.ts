import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DIRECTIVE, setOrchestrating } from "@subagent-mcp/hooks";
import { STARTUP_TIMEOUT_SEC } from "@subagent-mcp/hosts";
import { MAILBOX_ENV } from "@subagent-mcp/mailbox/config";
import { stateDir } from "@subagent-mcp/state";
import { bin } from "./e2e.js";
import { runCli, type CliEnvironment, type CliName, type FakeModelServer } from "@subagent-mcp/testkit";
import { processesOfHome, until } from "./past-e2e.js";
import { startHost as startPluginHost, type Host } from "./plugin-host.js";

// Installing us with each host's own plugin command, from this checkout as a user would after
// `pnpm build`: the marketplace at the root (Claude Code, Codex), the extension folder (Gemini CLI).
const checkout = fileURLToPath(new URL("../../..", import.meta.url));
const extension = join(checkout, "extensions", "subagent-mcp");
const cliPackage = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

beforeAll(() => {
  // The plugin folders are the build's: stale ones would test an older server.
  for (const folder of [join(checkout, "plugins", "subagent-mcp"), extension]) {
    const server = JSON.parse(readFileSync(join(folder, "server", "package.json"), "utf8")) as { version: string };
    expect(server.version, `${folder}: run pnpm build`).toBe(cliPackage.version);
    expect(readFileSync(join(folder, "server", "dist", "main.js"), "utf8"), `${folder}: run pnpm build`).toBe(
      readFileSync(new URL("../dist/main.js", import.meta.url), "utf8"),
    );
  }
});

// Every host, and the Claude Code sub-agents it starts: MCP tools offered up front, not through Claude Code's tool search.
const startHost = (cli: CliName, options: { codexPlugins?: boolean } = {}): Promise<Host> =>
  startPluginHost(cli, { ...options, env: { ENABLE_TOOL_SEARCH: "false" } });

let host: Host | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

// The host's model: launch a Claude Code sub-agent with our tool, wait on it, report what it said.
// Claude Code offers our tools by name; Codex lists our server as a deferred namespace, found through
// its tool_search (the fake makes that detour for a full `mcp__<server>__<tool>` name).
function scriptDelegation(fake: FakeModelServer, seen: { tools: string[] }): void {
  fake.script((request, nonce) => {
    // The sub-agent has our tools too (the plugin is the user's, and nesting is allowed): it just answers.
    if (!request.messages.some((m) => m.role === "user" && m.text.includes("delegate this"))) return undefined;
    const deferred = request.messages.flatMap((m) => /- (mcp__[\w-]*subagent[\w-]*)/.exec(m.text)?.[1] ?? []);
    const launch = request.tools.find((t) => t.endsWith("launch_agent")) ?? (deferred[0] === undefined ? undefined : `${deferred[0]}__launch_agent`);
    if (launch === undefined) return undefined;
    seen.tools = [...request.tools.filter((t) => t.includes("subagent")), ...deferred];
    const results = request.messages.filter((m) => m.role === "tool").map((m) => m.text);
    // Our answer as JSON (Claude Code, Codex: maybe escaped inside the host's own) or as text (Gemini CLI).
    const at = results.findIndex((t) => /agent_id\\*":|Launched agent/.test(t));
    if (at < 0) return { kind: "tool", name: launch, input: { provider: "claude", prompt: "sub-task through the plugin" } };
    const waited = results[at + 1];
    if (waited === undefined) {
      const id = /agent[ _"id:\\]*([0-9a-f]{8})/.exec(results[at] ?? "")?.[1] ?? "missing";
      return { kind: "tool", name: launch.replace(/launch_agent$/, "wait"), input: { agent_ids: [id], timeout_s: 90 } };
    }
    return { kind: "text", text: `${nonce} host saw: ${waited}` };
  });
}

// Our own CLI (the checkout's build), in the host's environment: its output.
async function ours(env: CliEnvironment, args: string[]): Promise<string> {
  const run = await execa(process.execPath, [bin, ...args], { cwd: env.cwd, env: env.env, extendEnv: false, reject: false });
  expect(run.exitCode, `${args.join(" ")}: ${run.stderr}`).toBe(0);
  return run.stdout;
}

// Where each agent the server launched worked, from its journal (the server is gone by now).
function launchedCwds(env: CliEnvironment): string[] {
  const agents = join(env.env.XDG_STATE_HOME ?? join(env.home, ".local", "state"), "subagent-mcp", "agents");
  return readdirSync(agents).flatMap((id) => {
    // (An id claimed ahead of a launch that never came has no journal.)
    const file = join(agents, id, "journal.jsonl");
    if (!existsSync(file)) return [];
    const launch = readFileSync(file, "utf8").split("\n")[0] ?? "";
    return [(JSON.parse(launch) as { cwd: string }).cwd];
  });
}

// Files under `dir` whose path or text names us (what a removed plugin must not leave).
function oursUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    // Files only: an emptied folder a host leaves behind holds nothing of ours.
    if (statSync(path).isFile() && (name.includes("subagent-mcp") || readFileSync(path, "utf8").includes("subagent-mcp"))) found.push(path);
  }
  return found;
}

// Where a file's text names us, with what surrounds it (a failure then says what wrote it).
function mentions(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/subagent-mcp/g)].map((m) => text.slice(Math.max(0, m.index - 120), m.index + 60));
}

describe("the Claude Code plugin", () => {
  it("installs from the checkout's marketplace, connects, delegates to a sub-agent, and leaves nothing when removed", async () => {
    const h = (host = await startHost("claude"));
    await runCli(h.env, ["plugin", "marketplace", "add", checkout], { step: "marketplace add" });
    await runCli(h.env, ["plugin", "install", "subagent-mcp@subagent-mcp"], { step: "plugin install" });
    const listed = await runCli(h.env, ["mcp", "list"], { step: "mcp list", timeoutMs: 90_000 });
    expect(listed.stdout).toMatch(/plugin:subagent-mcp:subagent-mcp: .*Connected/);
    // One install, not two: setup leaves the server and hooks to the plugin, and doctor says so.
    expect(await ours(h.env, ["setup", "--host", "claude"])).toContain("claude: installed as the plugin subagent-mcp@subagent-mcp");
    expect(readFileSync(join(h.env.home, ".claude.json"), "utf8")).not.toMatch(/"mcpServers"[^}]*subagent-mcp/);
    expect(readFileSync(join(h.env.home, ".claude", "settings.json"), "utf8")).not.toContain("hook claude");
    expect(await ours(h.env, ["doctor", "--host", "claude"])).toMatch(
      /installed: plugin subagent-mcp@subagent-mcp .*remove: claude plugin uninstall subagent-mcp@subagent-mcp/,
    );

    const seen = { tools: [] as string[] };
    scriptDelegation(h.fakes.claude, seen);
    const tools = ["launch_agent", "wait"].map((t) => `mcp__plugin_subagent-mcp_subagent-mcp__${t}`).join(",");
    const { stdout } = await runCli(h.env, ["-p", "delegate this", "--output-format", "json", "--allowedTools", tools], {
      step: "claude -p through the plugin",
      timeoutMs: 120_000,
    });
    const out = JSON.parse(stdout) as { result: string; is_error: boolean };
    expect(out.is_error, stdout).toBe(false);
    expect(out.result).toContain(`${h.fakes.claude.nonce} host saw:`);
    expect(out.result).toContain("sub-task through the plugin");
    expect(seen.tools).toContain("mcp__plugin_subagent-mcp_subagent-mcp__launch_agent");
    // The server ends its sub-agent when the host goes; that Claude Code, which loaded the plugin too, counts
    // its use in ~/.claude.json as it exits. Removed before then, the plugin would be counted again after.
    await until("the host's server and its sub-agent to end", () => processesOfHome(h.env.home).length === 0);

    await runCli(h.env, ["plugin", "uninstall", "subagent-mcp@subagent-mcp"], { step: "plugin uninstall" });
    await runCli(h.env, ["plugin", "marketplace", "remove", "subagent-mcp"], { step: "marketplace remove" });
    const after = await runCli(h.env, ["mcp", "list"], { step: "mcp list after removal" });
    expect(after.stdout).not.toContain("subagent-mcp");
    // Claude Code keeps a removed plugin's copy a while, marked orphaned, and deletes it itself; nothing else of ours stays.
    const cache = join(h.env.home, ".claude", "plugins", "cache", "subagent-mcp");
    for (const version of readdirSync(join(cache, "subagent-mcp"))) expect(existsSync(join(cache, "subagent-mcp", version, ".orphaned_at"))).toBe(true);
    expect(oursUnder(join(h.env.home, ".claude", "plugins")).filter((p) => !p.startsWith(cache))).toEqual([]);
    for (const file of [join(h.env.home, ".claude.json"), join(h.env.home, ".claude", "settings.json")]) {
      expect(mentions(file), file).toEqual([]);
    }
  });
});

describe("the Codex plugin", () => {
  it("installs from the same marketplace, starts the server from its copy, delegates with codex exec, and leaves nothing when removed", async () => {
    const h = (host = await startHost("codex", { codexPlugins: true }));
    await runCli(h.env, ["plugin", "marketplace", "add", checkout], { step: "marketplace add" });
    await runCli(h.env, ["plugin", "add", "subagent-mcp@subagent-mcp"], { step: "plugin add" });
    const listed = await runCli(h.env, ["mcp", "list"], { step: "mcp list" });
    expect(listed.stdout).toMatch(/subagent-mcp\s.*enabled/);
    // Codex gives the plugin's server only the variables its entry names: every mailbox setting among them.
    const entry = await runCli(h.env, ["mcp", "get", "subagent-mcp", "--json"], { step: "mcp get" });
    const got = JSON.parse(entry.stdout) as { transport: { env_vars: string[] }; startup_timeout_sec: number };
    expect(got.transport.env_vars).toEqual(expect.arrayContaining(Object.values(MAILBOX_ENV)));
    // Codex's own 10 s is less than a busy machine may take to start a Node server: it would go on without our tools.
    expect(got.startup_timeout_sec, entry.stdout).toBe(STARTUP_TIMEOUT_SEC);
    // And required: Codex waits for it rather than run the turn without it (codex-required.test.ts).
    const manifest = JSON.parse(readFileSync(join(checkout, "plugins", "subagent-mcp", ".codex-plugin", "plugin.json"), "utf8")) as {
      mcpServers: Record<string, { required?: boolean }>;
    };
    expect(manifest.mcpServers["subagent-mcp"]?.required).toBe(true);
    // (Dry: Codex's hooks are still setup's to write, and this test removes the plugin alone.)
    const planned = await ours(h.env, ["setup", "--host", "codex", "--dry-run"]);
    expect(planned).toContain("codex: installed as the plugin subagent-mcp@subagent-mcp");
    expect(planned).not.toContain("mcp_servers");
    expect(await ours(h.env, ["doctor", "--host", "codex"])).toMatch(/installed: plugin subagent-mcp@subagent-mcp/);

    const seen = { tools: [] as string[] };
    scriptDelegation(h.fakes.codex, seen);
    const { stdout, stderr } = await runCli(h.env, ["exec", "--skip-git-repo-check", "-m", "gpt-5.5", "delegate this"], {
      step: "codex exec through the plugin",
      timeoutMs: 120_000,
    });
    expect(stdout, stderr).toContain(`${h.fakes.codex.nonce} host saw:`);
    expect(stdout).toContain("sub-task through the plugin");
    expect(
      seen.tools.some((t) => t.endsWith("launch_agent")),
      JSON.stringify(seen.tools),
    ).toBe(true);
    // Codex starts the plugin's server in the plugin's folder; the sub-agent still works in the session's.
    expect(launchedCwds(h.env)).toEqual([h.env.cwd]);

    await runCli(h.env, ["plugin", "remove", "subagent-mcp@subagent-mcp"], { step: "plugin remove" });
    await runCli(h.env, ["plugin", "marketplace", "remove", "subagent-mcp"], { step: "marketplace remove" });
    const after = await runCli(h.env, ["mcp", "list"], { step: "mcp list after removal" });
    expect(after.stdout).not.toContain("subagent-mcp");
    const codexHome = h.env.env.CODEX_HOME ?? "";
    expect(readFileSync(join(codexHome, "config.toml"), "utf8")).not.toContain("subagent-mcp");
    expect(oursUnder(join(codexHome, "plugins"))).toEqual([]);
  });
});

describe("the Gemini CLI extension", () => {
  it("installs from the extension folder, calls launch_agent in a headless run, and leaves nothing when uninstalled", async () => {
    const h = (host = await startHost("gemini"));
    // Gemini CLI hides every variable named like a secret (…KEY, …TOKEN, …AUTH…) from its MCP servers:
    // the Claude Code sub-agent logs in by ANTHROPIC_API_KEY here, so the user allows that one (README).
    const settingsFile = join(h.env.home, ".gemini", "settings.json");
    const settings = JSON.parse(readFileSync(settingsFile, "utf8")) as Record<string, unknown>;
    writeFileSync(
      settingsFile,
      JSON.stringify({ ...settings, security: { ...(settings.security as object), environmentVariableRedaction: { allowed: ["ANTHROPIC_API_KEY"] } } }),
    );
    await runCli(h.env, ["extensions", "install", extension, "--consent"], { step: "extensions install" });
    const listed = await runCli(h.env, ["extensions", "list"], { step: "extensions list" });
    expect(`${listed.stdout}${listed.stderr}`).toContain("subagent-mcp");

    const seen = { tools: [] as string[] };
    scriptDelegation(h.fakes.gemini, seen);
    const tools = ["launch_agent", "wait"].map((t) => `mcp_subagent-mcp_${t}`).join(",");
    const { stdout } = await runCli(h.env, ["-p", "delegate this", "--output-format", "json", "--allowed-tools", tools], {
      step: "gemini -p through the extension",
      timeoutMs: 120_000,
    });
    const out = JSON.parse(stdout) as { response: string };
    expect(out.response, `${stdout}\n${JSON.stringify(seen.tools)}`).toContain(`${h.fakes.gemini.nonce} host saw:`);
    expect(out.response).toContain("sub-task through the plugin");
    expect(seen.tools).toContain("mcp_subagent-mcp_launch_agent");
    expect(launchedCwds(h.env)).toEqual([h.env.cwd]);

    await runCli(h.env, ["extensions", "uninstall", "subagent-mcp"], { step: "extensions uninstall" });
    const after = await runCli(h.env, ["extensions", "list"], { step: "extensions list after removal" });
    expect(`${after.stdout}${after.stderr}`).not.toContain("subagent-mcp");
    expect(oursUnder(join(h.env.home, ".gemini", "extensions"))).toEqual([]);
    expect(readFileSync(settingsFile, "utf8")).not.toContain("subagent-mcp");
  });
});

describe("the Qwen Code extension", () => {
  it("installs from the same folder (its qwen-extension.json), connects, and leaves nothing when uninstalled", async () => {
    const h = (host = await startHost("qwen"));
    await runCli(h.env, ["extensions", "install", extension, "--consent"], { step: "extensions install" });
    const listed = await runCli(h.env, ["mcp", "list"], { step: "mcp list", timeoutMs: 90_000 });
    expect(listed.stdout).toMatch(/subagent-mcp: node .*extensions\/subagent-mcp\/server\/dist\/main\.js \(stdio\) - Connected/);
    await runCli(h.env, ["extensions", "uninstall", "subagent-mcp"], { step: "extensions uninstall" });
    expect((await runCli(h.env, ["mcp", "list"], { step: "mcp list after removal" })).stdout).not.toContain("subagent-mcp");
    expect(oursUnder(join(h.env.home, ".qwen", "extensions"))).toEqual([]);
  });
});

describe("the plugin's orchestration-mode hooks", () => {
  // Claude Code's from the plugin's hooks/claude.json, Gemini CLI's from the extension's hooks/hooks.json.
  it.each([
    {
      cli: "claude" as const,
      install: [
        ["plugin", "marketplace", "add", checkout],
        ["plugin", "install", "subagent-mcp@subagent-mcp"],
      ],
    },
    { cli: "gemini" as const, install: [["extensions", "install", extension, "--consent"]] },
  ])("$cli puts the directive before the prompt while the mode is on, and nothing while it is off", async ({ cli, install }) => {
    const h = (host = await startHost(cli));
    for (const args of install) await runCli(h.env, args, { step: args.join(" ") });
    const fake = h.fakes[cli];
    const directed = async (): Promise<boolean> => {
      fake.clearRequests();
      await runCli(h.env, ["-p", "please plan", "--output-format", "json"], { step: `${cli} -p with the plugin's hooks`, timeoutMs: 90_000 });
      const asked = fake.requests.filter((r) => r.lastUserText.includes("please plan") || r.messages.some((m) => m.text.includes("please plan")));
      expect(asked.length).toBeGreaterThan(0);
      return asked.some((r) => r.messages.some((m) => m.text.includes(DIRECTIVE)));
    };
    setOrchestrating(stateDir({ home: h.env.home, env: h.env.env }), h.env.cwd, true);
    expect(await directed()).toBe(true);
    setOrchestrating(stateDir({ home: h.env.home, env: h.env.env }), h.env.cwd, false);
    expect(await directed()).toBe(false);
  });
});
