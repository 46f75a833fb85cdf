import fc from "fast-check";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { thrown } from "./thrown.js";
import { withCodexHooks } from "../src/hosts/codex-hooks.js";
import { codexServerBlock, SERVER_MARKERS, upsertServerBlock } from "../src/hosts/codex.js";
import { removeTomlBlock } from "../src/toml-block.js";

const block = codexServerBlock("subagent-mcp", { command: "/usr/bin/node", args: ["--x", "/a b/main.js"], toolTimeoutSec: 660, startupTimeoutSec: 30 });

describe("Codex config.toml block", () => {
  it("appends a valid table, keeps comments, replaces itself, and removes byte for byte", () => {
    const text = '# my config\nmodel = "gpt-5.5" # inline\n\n[mcp_servers.mine]\ncommand = "mine"\n';
    const added = upsertServerBlock(text, "subagent-mcp", block);
    const parsed = parse(added) as { mcp_servers: Record<string, { args: string[]; tool_timeout_sec: number }> };
    expect(parsed.mcp_servers["subagent-mcp"]).toMatchObject({ args: ["--x", "/a b/main.js"], tool_timeout_sec: 660 });
    expect(parsed.mcp_servers.mine).toBeDefined();
    expect(upsertServerBlock(added, "subagent-mcp", block)).toBe(added);
    expect(removeTomlBlock(added, SERVER_MARKERS)).toBe(text);
  });

  it("refuses to clash with a table the user wrote", () => {
    expect(() => upsertServerBlock('[mcp_servers.subagent-mcp]\ncommand = "x"\n', "subagent-mcp", block)).toThrow(/already defines/);
  });

  it("refuses a file that does not parse (with its line and column) and keys of the wrong type, by code", () => {
    expect(thrown(() => upsertServerBlock("a = 1\nb = [\n", "subagent-mcp", block))).toMatchObject({ code: "UNPARSEABLE", position: { line: 3, column: 1 } });
    const cases: [() => unknown, string][] = [
      [() => upsertServerBlock('mcp_servers = "x"\n', "subagent-mcp", block), "mcp_servers is a string, not a table"],
      [() => upsertServerBlock('[[mcp_servers]]\nname = "x"\n', "subagent-mcp", block), "mcp_servers is an array, not a table"],
      [() => withCodexHooks("hooks = 1\n", "cmd", "/c.toml"), "hooks is a number, not a table"],
      [() => withCodexHooks("[hooks.PreToolUse]\nx = 1\n", "cmd", "/c.toml"), "hooks.PreToolUse is a table, not an array"],
      [() => withCodexHooks("[hooks]\nstate = []\n", "cmd", "/c.toml"), "hooks.state is an array, not a table"],
    ];
    for (const [edit, why] of cases) {
      const error = thrown(edit);
      expect(error.code).toBe("WRONG_TYPE");
      expect(error.message).toContain(why);
    }
  });

  it("removal gives back arbitrary TOML byte for byte", () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
    const val = fc.oneof(
      fc.integer({ min: -99, max: 99 }).map(String),
      fc.boolean().map(String),
      fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
    );
    const line = fc.oneof(
      fc.tuple(key, val).map(([k, v]) => `${k} = ${v}`),
      fc.constantFrom("# comment", ""),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(key, val), { selector: ([k]) => k, maxLength: 5 }),
        fc.array(
          line.filter((l) => !l.includes("=")),
          { maxLength: 3 },
        ),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        (pairs, extra, eol, finalEol) => {
          const lines = [...extra, ...pairs.map(([k, v]) => `${k} = ${v}`)];
          const text = lines.join(eol) + (finalEol && lines.length > 0 ? eol : "");
          const added = upsertServerBlock(
            text,
            "subagent-mcp",
            codexServerBlock("subagent-mcp", { command: "n", args: [], toolTimeoutSec: 1, startupTimeoutSec: 1 }, eol),
          );
          const removed = removeTomlBlock(added, SERVER_MARKERS);
          expect(parse(removed)).toEqual(parse(text));
          expect(removed).toBe(text);
        },
      ),
      { numRuns: 500 },
    );
  });
});
