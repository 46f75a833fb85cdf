import fc from "fast-check";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { INSTRUCTIONS } from "../src/instructions.js";
import { removeManagedBlock, upsertManagedBlock } from "../src/managed-block.js";
import { type Host } from "../src/registry.js";
import { jsoncText, jsoncTextFor, markdownText, tomlText } from "./arbitraries.js";
import { hooksOf, serverOf } from "./hosts.js";

const launch = { command: "/usr/bin/node", args: ["--max-semi-space-size=1", "/opt/subagent mcp/main.js"] };
const hookCommand = '/usr/bin/node "/opt/subagent mcp/main.js"';
const PATH = "/home/u/.codex/config.toml";

/** What setup writes for a host: the server entry, then the hooks (same file for Codex and Gemini). */
function setup(host: Host, text: string): string {
  return hooksOf(host).add(serverOf(host).add(text, launch), hookCommand, PATH);
}

/** What uninstall's removal does to a file the user has edited since: ours out, in reverse order. */
function uninstall(host: Host, text: string): string {
  return serverOf(host).remove(hooksOf(host).remove(text));
}

describe("setup then uninstall gives arbitrary user files back byte for byte", () => {
  for (const host of ["claude", "gemini"] as const) {
    it(`${host}: JSONC settings with comments, formatting, the user's servers and hooks`, () => {
      fc.assert(
        fc.property(jsoncText, (text) => {
          const once = setup(host, text);
          expect(setup(host, once)).toBe(once);
          expect(uninstall(host, once)).toBe(text);
        }),
        { numRuns: 400 },
      );
    });
  }

  // Hosts that get our server only (no hooks), each with the user's servers under its own key.
  for (const [host, arbitrary] of [
    ["claude-desktop", jsoncText],
    ["qwen", jsoncText],
    ["opencode", jsoncTextFor("mcp")],
  ] as const) {
    it(`${host}: JSONC config with the user's servers and keys (our server only: no hooks)`, () => {
      const server = serverOf(host);
      fc.assert(
        fc.property(arbitrary, (text) => {
          const once = server.add(text, launch);
          expect(server.read(once)).toBeDefined();
          expect(server.add(once, launch)).toBe(once);
          expect(server.remove(once)).toBe(text);
        }),
        { numRuns: 400 },
      );
    });
  }

  it("codex: config.toml with comments, tables, the user's MCP servers and hooks", () => {
    fc.assert(
      fc.property(tomlText, (text) => {
        const once = setup("codex", text);
        parse(once);
        expect(setup("codex", once)).toBe(once);
        expect(uninstall("codex", once)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });

  it("instructions: Markdown with or without headings, BOM and CRLF", () => {
    fc.assert(
      fc.property(markdownText, (text) => {
        const once = upsertManagedBlock(text, INSTRUCTIONS);
        expect(upsertManagedBlock(once, INSTRUCTIONS)).toBe(once);
        expect(removeManagedBlock(once)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });
});
