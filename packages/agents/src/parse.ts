import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { FrontmatterSchema, KNOWN_KEYS, type AgentDefinition } from "./schema.js";
import type { LoadIssue } from "./errors.js";
import { definedFields } from "@subagent-mcp/contract";

// Claude Code's model shorthands are aliases its CLI accepts as they are; `inherit` means "no choice".
function modelOf(model: string | undefined): string | undefined {
  return model === "inherit" ? undefined : model;
}

/** Strips a BOM and turns CRLF into LF, so a file edited on Windows reads the same. */
export function normalizeText(text: string): string {
  return text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

/** Splits `---` frontmatter from the body; undefined when the file has none. */
export function splitFrontmatter(text: string): { yaml: string; body: string; bodyLine: number } | undefined {
  // The closing --- must start a line: a value like "a --- b" must not end the frontmatter.
  const match = /^---\n(?:([\s\S]*?)\n)?---[ \t]*(?:\n|$)/.exec(text);
  if (match === null) return undefined;
  const yaml = match[1] ?? "";
  return { yaml, body: text.slice(match[0].length), bodyLine: yaml.split("\n").length + 3 };
}

/** Parses one definition file's text. Line numbers are of the file (frontmatter starts on line 2). */
export function parseDefinition(file: string, raw: string): { definition?: AgentDefinition; errors: LoadIssue[]; warnings: LoadIssue[] } {
  const text = normalizeText(raw);
  const parts = splitFrontmatter(text);
  if (parts === undefined) return { errors: [{ file, line: 1, message: "no YAML frontmatter: start the file with --- and a name: line" }], warnings: [] };
  const lines = new LineCounter();
  const doc = parseDocument(parts.yaml, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => ({ file, line: lines.linePos(e.pos[0]).line + 1, message: `YAML: ${firstLine(e.message)}` })),
      warnings: [],
    };
  }
  const keyLine = (key: string): number | undefined => {
    if (!isMap(doc.contents)) return undefined;
    const item = doc.contents.items.find((i) => isScalar(i.key) && i.key.value === key);
    const range = isScalar(item?.key) ? item.key.range : undefined;
    return range === undefined ? undefined : lines.linePos(range[0]).line;
  };
  const data: unknown = doc.toJS();
  if (typeof data !== "object" || data === null || Array.isArray(data))
    return { errors: [{ file, line: 2, message: "frontmatter must be a mapping of keys to values" }], warnings: [] };
  // Issues name the agent when the file got that far, so `invoke NAME` can point at this file.
  const named = "name" in data && typeof data.name === "string" ? { agent: data.name } : {};
  const warnings: LoadIssue[] = Object.keys(data)
    .filter((k) => !KNOWN_KEYS.has(k))
    .map((k) => ({ file, ...named, ...lineOpt(keyLine(k)), message: `"${k}" is not used by subagent-mcp and is ignored` }));
  const parsed = FrontmatterSchema.safeParse(data);
  if (!parsed.success) {
    return {
      errors: parsed.error.issues.map((i) => {
        const key = String(i.path[0] ?? "");
        return { file, ...named, ...lineOpt(keyLine(key)), message: `${i.path.join(".") || "frontmatter"}: ${i.message}` };
      }),
      warnings,
    };
  }
  const f = parsed.data;
  const tools = f.allowed_tools ?? f.tools;
  const permission = f.permission_mode ?? f.permissionMode;
  const model = modelOf(f.model);
  return {
    definition: {
      name: f.name,
      ...definedFields({ description: f.description }),
      provider: f.provider,
      ...definedFields({
        model,
        effort: f.effort,
        allowedTools: tools,
        permissionMode: permission,
        permissions: f.permissions,
        isolation: f.isolation,
        base: f.base,
        budget: f.budget,
        machine: f.machine,
        cwd: f.cwd,
        escalate: f.escalate,
        review: f.review,
        category: f.category,
        mcpServers: f.mcp_servers ?? f.mcpServers,
      }),
      skills: f.skills,
      expertise: f.expertise,
      replicas: f.replicas,
      maxTurnsPerProcess: f.max_turns_per_process,
      body: parts.body.trim(),
      file,
    },
    errors: [],
    warnings,
  };
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? text;
}

// Offset lines by one: the frontmatter's first line is the file's second.
function lineOpt(line: number | undefined): { line?: number } {
  return line === undefined ? {} : { line: line + 1 };
}
