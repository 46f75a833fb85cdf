import fc from "fast-check";

// Generators of user files as people write them, for the setup/uninstall round-trip properties.

const scalar = fc.oneof(fc.integer({ min: -999, max: 999 }), fc.boolean(), fc.constant(null), fc.string({ maxLength: 8 }));
const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !["mcpServers", "mcp", "hooks", "__proto__"].includes(k) && !k.includes("subagent-mcp"));
const userHook = fc.record({ matcher: fc.constantFrom("Bash", "Write|Edit", "*"), hooks: fc.constant([{ type: "command", command: "my-guard --strict" }]) });

/**
 * A settings object with the user's own keys, MCP servers (under `serversKey`) and hooks. Containers
 * the user has are never empty: an empty `mcpServers` or hook array is indistinguishable, after our
 * entry went in, from one setup created, so removal takes such a container out (the setup record
 * restores those).
 */
const settingsObjectFor = (serversKey: string) =>
  fc
    .record(
      {
        top: fc.dictionary(key, scalar, { maxKeys: 4 }),
        servers: fc.dictionary(key, fc.record({ command: fc.string({ maxLength: 6 }), args: fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }) }), {
          minKeys: 1,
          maxKeys: 2,
        }),
        hooks: fc.dictionary(
          fc.constantFrom("PreToolUse", "UserPromptSubmit", "BeforeTool", "BeforeAgent", "Stop"),
          fc.array(userHook, { minLength: 1, maxLength: 2 }),
          { minKeys: 1, maxKeys: 3 },
        ),
      },
      { requiredKeys: ["top"] },
    )
    .map(({ top, servers, hooks }) => ({ ...top, ...(servers === undefined ? {} : { [serversKey]: servers }), ...(hooks === undefined ? {} : { hooks }) }));

/** That object as JSONC text: random indentation, line endings, comments, blank lines, final newline. */
export const jsoncTextFor = (serversKey: string) =>
  fc
    .record({
      obj: settingsObjectFor(serversKey),
      indent: fc.constantFrom(0, 2, 4, "\t"),
      eol: fc.constantFrom("\n", "\r\n"),
      comments: fc.array(fc.nat(40), { maxLength: 3 }),
      header: fc.boolean(),
      finalEol: fc.boolean(),
    })
    .map(({ obj, indent, eol, comments, header, finalEol }) => {
      const lines = JSON.stringify(obj, null, indent).split("\n");
      // A comment (or blank line) is valid JSONC after a line that opens a container or ends a member.
      for (const at of [...comments].sort((a, b) => b - a)) {
        const i = at % lines.length;
        if (/[{[,]$/.test(lines[i] ?? "") && i < lines.length - 1) lines.splice(i + 1, 0, at % 2 === 0 ? "  // my note" : "");
      }
      if (header) lines.unshift("// my settings");
      return lines.join(eol) + (finalEol ? eol : "");
    });

/** Settings with the user's MCP servers under `mcpServers` (Claude Code, Gemini CLI, Qwen Code, Claude Desktop). */
export const jsoncText = jsoncTextFor("mcpServers");

const tomlKey = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
const tomlValue = fc.oneof(
  fc.integer({ min: -99, max: 99 }).map(String),
  fc.boolean().map(String),
  fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
);

/** A Codex config.toml: top-level keys, comments, tables, user MCP servers and user hooks. */
export const tomlText = fc
  .record({
    top: fc.uniqueArray(fc.tuple(tomlKey, tomlValue), { selector: ([k]) => k, maxLength: 4 }),
    comments: fc.array(fc.constantFrom("# a comment", "", "   # indented"), { maxLength: 3 }),
    tables: fc.uniqueArray(fc.tuple(tomlKey, fc.uniqueArray(fc.tuple(tomlKey, tomlValue), { selector: ([k]) => k, maxLength: 3 })), {
      selector: ([k]) => k,
      maxLength: 2,
    }),
    servers: fc.uniqueArray(
      tomlKey.filter((k) => k !== "subagent"),
      { maxLength: 2 },
    ),
    hooks: fc.array(fc.constantFrom("PreToolUse", "UserPromptSubmit", "Stop"), { maxLength: 3 }),
    eol: fc.constantFrom("\n", "\r\n"),
    finalEol: fc.boolean(),
  })
  .map(({ top, comments, tables, servers, hooks, eol, finalEol }) => {
    const lines = [...comments, ...top.map(([k, v]) => `${k} = ${v} # inline`)];
    for (const [name, pairs] of tables) lines.push("", `[t_${name}]`, ...pairs.map(([k, v]) => `${k} = ${v}`));
    for (const name of servers) lines.push("", `[mcp_servers.${name}]`, `command = "${name}"`, `args = ["--x"]`);
    for (const event of hooks) lines.push("", `[[hooks.${event}]]`, `[[hooks.${event}.hooks]]`, `type = "command"`, `command = "my-hook"`);
    return lines.length === 0 ? "" : lines.join(eol) + (finalEol ? eol : "");
  });

/** Markdown as found in AGENTS.md: with or without headings, a BOM, CRLF, a final newline. */
export const markdownText = fc
  .record({
    lines: fc.array(
      fc.oneof(
        fc.constantFrom("# Title", "## Rules", "", "- item", "text", "```", "<!-- note -->"),
        fc.string({ maxLength: 20 }).filter((s) => !/[\r\n]/.test(s) && !s.includes("subagent-mcp")),
      ),
      { maxLength: 12 },
    ),
    eol: fc.constantFrom("\n", "\r\n"),
    bom: fc.boolean(),
    finalEol: fc.boolean(),
  })
  .map(({ lines, eol, bom, finalEol }) => (bom ? "\uFEFF" : "") + lines.join(eol) + (finalEol && lines.length > 0 ? eol : ""));
