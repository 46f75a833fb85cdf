// The reference's pages as text, from the facts reference.mjs gathered: Markdown for people, JSON for tools.
export const HEADER = "<!-- Generated from the code by `pnpm reference`: do not edit by hand. -->";

// A table cell: one line, pipes escaped.
const cell = (v) =>
  v === undefined || v === ""
    ? ""
    : String(v)
        .replace(/\s*\n\s*/g, " ")
        .replace(/\|/g, "\\|");
const code = (v) => (v === undefined || v === "" ? "" : `\`${String(v).replace(/`/g, "'")}\``);
const table = (head, rows) =>
  [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");

// A JSON Schema's type in a few words, as the tool's parameter is declared.
function schemaType(s) {
  if (s === undefined || s === true || Object.keys(s).length === 0) return "any";
  const any = s.anyOf ?? s.oneOf;
  if (any !== undefined) return [...new Set(any.map(schemaType))].join(" | ");
  if (s.enum !== undefined) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.type === "array") return `${schemaType(s.items)}[]`;
  if (s.type === "object" && s.properties === undefined && s.additionalProperties !== undefined) return `record<string, ${schemaType(s.additionalProperties)}>`;
  return Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "any");
}

const hints = (a = {}) =>
  [
    ["read-only", a.readOnlyHint],
    ["destructive", a.destructiveHint],
    ["idempotent", a.idempotentHint],
    ["open world", a.openWorldHint],
  ]
    .map(([name, v]) => `${name}: ${v === undefined ? "unset" : v ? "yes" : "no"}`)
    .join(", ");

/** tools.md: each tool (each variant of a name) with its annotations, parameters and outputs. */
export function toolsPage(tools) {
  const out = [
    HEADER,
    "",
    "# MCP tools",
    "",
    "Every tool a subagent-mcp server may list, as `tools/list` gives it (the MCP SDK's conversion of the registered zod schemas).",
  ];
  out.push(
    "",
    "Offered by: `host` is the server a host runs (all toolsets, with a fleet and messaging); `sub-agent` is a sub-agent's own server; `control endpoint` is the dashboard's and `subagent-mcp stop`'s.",
  );
  const names = [...new Set(tools.map((t) => t.name))];
  out.push("", ...names.map((n) => `- [${n}](#${n})`));
  for (const name of names) {
    out.push("", `## ${name}`);
    const variants = tools.filter((t) => t.name === name);
    for (const t of variants) {
      if (variants.length > 1) out.push("", `### ${t.title} (${t.offeredBy})`);
      out.push("", `**${t.title ?? name}** (offered by: ${t.offeredBy})`, "", t.description ?? "", "", `Annotations: ${hints(t.annotations)}.`);
      const props = Object.entries(t.inputSchema?.properties ?? {});
      const required = new Set(t.inputSchema?.required ?? []);
      out.push("", "Parameters:", "");
      out.push(
        props.length === 0
          ? "None."
          : table(
              ["Name", "Type", "Required", "Default", "Description"],
              props.map(([p, s]) => [
                code(p),
                schemaType(s),
                required.has(p) ? "yes" : "no",
                s.default === undefined ? "" : code(JSON.stringify(s.default)),
                s.description,
              ]),
            ),
      );
      const outputs = Object.entries(t.outputSchema?.properties ?? {});
      out.push(
        "",
        "Output fields:",
        "",
        outputs.length === 0
          ? "None (text only)."
          : table(
              ["Name", "Type"],
              outputs.map(([p, s]) => [code(p), code(schemaType(s))]),
            ),
      );
    }
  }
  return `${out.join("\n")}\n`;
}

/** config.md: each key with its type, default, description, the files it is read from and whether a project's needs trust. */
export function configPage(keys, files) {
  const where = (k) => (k.files.length === 0 ? "none (not read by loadConfig)" : k.files.join(", "));
  const trust = (k) => (k.trust === "above_yours" ? "above your own value" : k.trust ? "yes" : k.partlyTrusted ? "partly (see below)" : "no");
  return `${[
    HEADER,
    "",
    "# Configuration",
    "",
    `The files: \`user\` is \`${files.user}\`; \`project\` is \`${files.project}\`, which wins over the user's, except for keys that need trust:`,
    "those apply from a project's file only once the user ran `subagent-mcp trust` on its current content (\"above your own value\": only a value above the user's, or the default, needs it). `SUBAGENT_MCP_*` variables win over both (see environment.md).",
    "`*` stands for any name (a provider, a category); `[]` for each item of a list.",
    "",
    table(
      ["Key", "Type", "Default", "Files", "Project needs trust", "Description"],
      keys.map((k) => [code(k.key), code(k.type), k.default === undefined ? "" : code(JSON.stringify(k.default)), where(k), trust(k), k.description]),
    ),
  ].join("\n")}\n`;
}

/** cli.md: each command with its description and flags. */
export function cliPage(commands) {
  const out = [HEADER, "", "# CLI", "", "Every `subagent-mcp` command and subcommand with its flags (citty's definitions)."];
  for (const c of commands) {
    out.push("", `## subagent-mcp${c.command === "" ? "" : ` ${c.command}`}`, "", c.description);
    if (c.args.length === 0) continue;
    const rows = c.args.map((a) => [
      a.type === "positional" ? `<${a.name}>` : code(`--${a.name}`),
      a.alias.map((x) => code(`-${x}`)).join(", "),
      a.type === "enum" && a.options !== undefined ? a.options.join(" | ") : (a.type ?? "string"),
      a.default === undefined ? "" : code(JSON.stringify(a.default)),
      a.required ? "yes" : "no",
      a.description,
    ]);
    out.push("", table(["Flag", "Alias", "Type", "Default", "Required", "Description"], rows));
  }
  return `${out.join("\n")}\n`;
}

/** environment.md: each variable with the packages that read it and a one-line meaning. */
export function environmentPage(vars) {
  return `${[
    HEADER,
    "",
    "# Environment variables",
    "",
    "Every variable the code reads (found in `packages/*/src` and `apps/cli/src`), with the packages that read it; `*` stands for a part the code fills in (a provider's name).",
    "",
    table(
      ["Variable", "Read by", "Meaning"],
      vars.map((v) => [code(v.name), v.packages.join(", "), v.meaning]),
    ),
  ].join("\n")}\n`;
}

/** reference.json: the same facts in the shape other tools read. */
export function referenceJson({ tools, keys, commands, vars }) {
  const flags = (c) => c.args.filter((a) => a.type !== "positional").flatMap((a) => [`--${a.name}`, ...a.alias.map((x) => `-${x}`)]);
  return `${JSON.stringify(
    {
      tools: tools.map((t) => ({
        name: t.name,
        title: t.title ?? "",
        params: Object.keys(t.inputSchema?.properties ?? {}),
        outputs: Object.keys(t.outputSchema?.properties ?? {}),
      })),
      config: keys.map((k) => ({ key: k.key, files: k.files, trust: k.trust })),
      cli: commands.map((c) => ({ command: c.command, flags: flags(c) })),
      env: vars.map((v) => ({ name: v.name })),
    },
    null,
    2,
  )}\n`;
}

/** README.md: the index. */
export const readme = `${HEADER}

# Reference

Generated from the code by \`pnpm reference\`; \`pnpm lint\` fails when they no longer match it (\`node scripts/reference.mjs --check\`).

- [tools.md](tools.md): every MCP tool, its parameters, annotations and output fields.
- [config.md](config.md): every config key, its type and default, the files it is read from, and whether a project's file needs trust for it.
- [cli.md](cli.md): every CLI command and subcommand with its flags.
- [environment.md](environment.md): every environment variable the code reads.
- [reference.json](reference.json): the same facts, machine-readable.
`;
