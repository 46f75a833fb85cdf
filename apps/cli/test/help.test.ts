import { execa } from "execa";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The built binary, exactly as a user runs it.
const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

describe("subagent-mcp binary", () => {
  it("prints its help", async () => {
    const { stdout, exitCode } = await execa("node", [bin, "--help"]);
    expect(exitCode).toBe(0);
    expect(stdout).toMatchInlineSnapshot(`
      "Run Claude Code, Codex and Gemini CLI sessions as sub-agents of your coding agent, over MCP. (subagent-mcp v0.0.0)

      USAGE subagent-mcp mcp

      COMMANDS

        mcp    Serve the subagent-mcp tools over MCP on stdio (the default command).

      Use subagent-mcp <command> --help for more information about a command.
      "
    `);
  });

  it("prints its version", async () => {
    const { stdout } = await execa("node", [bin, "--version"]);
    expect(stdout.trim()).toBe(pkg.version);
  });
});
