import { execa } from "execa";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "@subagent-mcp/testkit";
import { startHost, type Host } from "./plugin-host.js";

// A user's install with no checkout: the CLI's tarball, installed globally with plain npm (into a
// prefix of its own, offline), then each host's own command on the installed package's folder, which
// is the marketplace (Claude Code, Codex) and holds the extension (Gemini CLI, Qwen Code).
const app = fileURLToPath(new URL("..", import.meta.url));
const version = (JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as { version: string }).version;

let dir: string | undefined;
let installed: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "subagent-mcp-pack-plugin-"));
  const info = JSON.parse((await execa("pnpm", ["pack", "--json", "--pack-destination", dir], { cwd: app })).stdout) as { filename: string };
  const npm = ["--prefix", join(dir, "prefix"), "--cache", join(dir, "npm-cache"), "--registry=http://127.0.0.1:9/", "--no-update-notifier"];
  await execa("npm", ["install", "-g", "--offline", "--no-audit", "--no-fund", "--loglevel=error", ...npm, info.filename]);
  // The folder the README's `$(npm root -g)/subagent-mcp` names.
  installed = join((await execa("npm", ["root", "-g", ...npm])).stdout.trim(), "subagent-mcp");
}, 300_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

let host: Host | undefined;
afterEach(async () => {
  await host?.cleanup();
  host = undefined;
});

describe("the npm package, installed globally, as the hosts' marketplace and extension", () => {
  it("installs the CLI and the folders the hosts add, at the packed version", async () => {
    const { stdout } = await execa(join(dir ?? "", "prefix", "bin", "subagent-mcp"), ["--version"]);
    expect(stdout.trim()).toBe(version);
    for (const folder of ["plugins", "extensions"]) {
      const server = JSON.parse(readFileSync(join(installed, folder, "subagent-mcp", "server", "package.json"), "utf8")) as { version: string };
      expect(server.version, folder).toBe(version);
    }
    expect(existsSync(join(installed, ".claude-plugin", "marketplace.json"))).toBe(true);
  });

  it("Claude Code adds it as a marketplace, installs the plugin, and connects to its server", async () => {
    const h = (host = await startHost("claude"));
    await runCli(h.env, ["plugin", "marketplace", "add", installed], { step: "marketplace add" });
    await runCli(h.env, ["plugin", "install", "subagent-mcp@subagent-mcp"], { step: "plugin install" });
    const listed = await runCli(h.env, ["mcp", "list"], { step: "mcp list", timeoutMs: 90_000 });
    expect(listed.stdout).toMatch(/plugin:subagent-mcp:subagent-mcp: .*Connected/);
  });

  it("Codex adds it as a marketplace and installs the plugin, its server inside its own copy", async () => {
    const h = (host = await startHost("codex", { codexPlugins: true }));
    await runCli(h.env, ["plugin", "marketplace", "add", installed], { step: "marketplace add" });
    await runCli(h.env, ["plugin", "add", "subagent-mcp@subagent-mcp"], { step: "plugin add" });
    const listed = await runCli(h.env, ["mcp", "list"], { step: "mcp list" });
    expect(listed.stdout).toMatch(/subagent-mcp\s.*enabled/);
    // Codex starts the server from its cache's copy of the plugin folder, with nothing outside it.
    const cache = join(h.env.env.CODEX_HOME ?? "", "plugins", "cache", "subagent-mcp", "subagent-mcp");
    const copies = existsSync(cache) ? readdirSync(cache) : [];
    expect(
      copies.some((v) => existsSync(join(cache, v, "server", "dist", "main.js"))),
      `${cache}: ${copies.join(", ")}`,
    ).toBe(true);
  });

  it.each(["gemini", "qwen"] as const)("%s installs the extension from the installed folder and connects to its server", async (cli) => {
    const h = (host = await startHost(cli));
    await runCli(h.env, ["extensions", "install", join(installed, "extensions", "subagent-mcp"), "--consent"], { step: "extensions install" });
    const extensions = await runCli(h.env, ["extensions", "list"], { step: "extensions list" });
    expect(`${extensions.stdout}${extensions.stderr}`).toContain("subagent-mcp");
    const listed = await runCli(h.env, ["mcp", "list"], { step: "mcp list", timeoutMs: 90_000 });
    expect(`${listed.stdout}${listed.stderr}`).toMatch(/subagent-mcp.*Connected/);
  });
});
