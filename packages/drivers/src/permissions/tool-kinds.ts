// What each CLI's tool calls are, for a turn's receipt: the kind of call (shell, edit, read, ...),
// a shell call's command line, the files an edit writes, an MCP call's server, and a shell call's
// exit code where the CLI says it. One place per CLI's vocabulary, read by its driver.
import type { ToolKind } from "@subagent-mcp/contract";
import type { AgentEvent } from "@subagent-mcp/core";
import { definedFields } from "@subagent-mcp/contract/fields";

/** The facts of a `tool` event beyond its name and input. */
export interface ToolFacts {
  kind: ToolKind;
  command?: string;
  paths?: string[];
  server?: string;
}

const record = (value: unknown): Record<string, unknown> => (typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {});
const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

const CLAUDE_KINDS: Record<string, ToolKind> = {
  Bash: "shell",
  Edit: "edit",
  Write: "edit",
  MultiEdit: "edit",
  NotebookEdit: "edit",
  Read: "read",
  NotebookRead: "read",
  Grep: "search",
  Glob: "search",
  LS: "search",
  WebFetch: "web",
  WebSearch: "web",
};

/** A Claude Code tool use: its built-in tools by name, `mcp__<server>__<tool>` as MCP. */
export function claudeToolFacts(name: string, input: unknown): ToolFacts {
  const mcp = /^mcp__(.+?)__./.exec(name);
  if (mcp?.[1] !== undefined) return { kind: "mcp", server: mcp[1] };
  const kind = CLAUDE_KINDS[name] ?? "other";
  const args = record(input);
  if (kind === "shell") return { kind, ...definedFields({ command: text(args.command) }) };
  if (kind !== "edit") return { kind };
  const path = text(args.file_path) ?? text(args.notebook_path);
  return { kind, ...definedFields({ paths: path === undefined ? undefined : [path] }) };
}

// Claude Code's Bash result for a non-zero exit starts "Exit code N" (2.1.x); a success says nothing.
const CLAUDE_EXIT = /^\s*Exit code (-?\d+)\b/;

/** A Claude Code Bash result's exit code: 0 when it is no error, else "Exit code N" of its content, else null. */
export function claudeExitCode(content: unknown, isError: boolean): number | null {
  if (!isError) return 0;
  const found = CLAUDE_EXIT.exec(flatText(content));
  return found?.[1] === undefined ? null : Number(found[1]);
}

// A tool result's content: a string, or text blocks.
function flatText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((block) => text(record(block).text) ?? "").join("\n");
}

/** Codex runs a command as `/bin/bash -lc <command, shell-quoted>`: the command line is what the model wrote. */
export function codexCommand(command: string): string {
  const wrapped = /^(?:\S*\/)?(?:bash|zsh|sh) -lc (.+)$/s.exec(command)?.[1];
  return wrapped === undefined ? command : (shellWord(wrapped) ?? command);
}

// One POSIX shell word unquoted ('...', "...", \x and plain characters), or undefined when it is not exactly one word.
function shellWord(text: string): string | undefined {
  const parts = /^(?:'[^']*'|"(?:[^"\\]|\\.)*"|\\.|[^\s'"\\])+$/s.test(text) ? text.match(/'[^']*'|"(?:[^"\\]|\\.)*"|\\.|[^\s'"\\]+/gs) : null;
  if (parts === null) return undefined;
  return parts
    .map((p) => (p.startsWith("'") ? p.slice(1, -1) : p.startsWith('"') ? p.slice(1, -1).replace(/\\([$`"\\\n])/g, "$1") : p.startsWith("\\") ? p.slice(1) : p))
    .join("");
}

const ACP_KINDS: Record<string, ToolKind> = {
  execute: "shell",
  edit: "edit",
  delete: "edit",
  move: "edit",
  read: "read",
  search: "search",
  fetch: "web",
};

/** What an ACP `tool_call` (or its first update) tells of a call. */
export interface AcpToolCall {
  kind?: string | null;
  title?: string | null;
  rawInput?: unknown;
  locations?: { path: string }[] | null;
  _meta?: unknown;
}

// Path fields ACP agents put in an edit's rawInput (Gemini CLI and Qwen Code: file_path; others: path, filePath).
const PATH_FIELDS = ["file_path", "path", "filePath", "notebook_path", "destination", "source"];

/**
 * An ACP tool call by ACP's `kind`. MCP where the agent marks it (Qwen Code: `_meta.provenance`
 * "mcp" and `serverId`; or a `_meta.toolName` of `mcp__<server>__<tool>`); Gemini CLI marks none.
 * A shell call's command is its rawInput's, else (Gemini CLI sends no rawInput) its title.
 */
export function acpToolFacts(call: AcpToolCall): ToolFacts {
  const meta = record(call._meta);
  const named = /^mcp__(.+?)__./.exec(text(meta.toolName) ?? "")?.[1];
  const server = meta.provenance === "mcp" ? (text(meta.serverId) ?? named) : named;
  if (server !== undefined) return { kind: "mcp", server };
  const kind = ACP_KINDS[call.kind ?? ""] ?? "other";
  const args = record(call.rawInput);
  if (kind === "shell") return { kind, ...definedFields({ command: text(args.command) ?? text(call.title) }) };
  if (kind !== "edit") return { kind };
  const located = (call.locations ?? []).map((l) => l.path).filter((p) => p !== "");
  const paths = located.length > 0 ? located : PATH_FIELDS.flatMap((field) => text(args[field]) ?? []);
  return { kind, ...definedFields({ paths: paths.length === 0 ? undefined : [...new Set(paths)] }) };
}

// Qwen Code's shell result says "Exit Code: N" in its text and `exitCode` in a `shell_result` rawOutput.
const ACP_EXIT = /^Exit Code: (-?\d+)$/m;

/**
 * A shell call's exit code where the agent says it: Qwen Code's `rawOutput.exitCode`, else an
 * "Exit Code: N" line of its content. Gemini CLI says neither (its update's content is empty):
 * undefined.
 */
export function acpExitCode(rawOutput: unknown, content: unknown): number | null | undefined {
  const raw = record(rawOutput);
  if (typeof raw.exitCode === "number" && Number.isInteger(raw.exitCode)) return raw.exitCode;
  if (raw.type === "shell_result" && raw.exitCode === null) return null;
  const texts = Array.isArray(content) ? content.map((c) => text(record(record(c).content).text) ?? "") : [];
  const found = texts.map((t) => ACP_EXIT.exec(t)?.[1]).find((n) => n !== undefined);
  return found === undefined ? undefined : Number(found);
}

/** An ACP tool call (its notification, its first update, or the call inside a permission request) as a `tool` event. */
export function acpToolEvent(call: AcpToolCall & { toolCallId: string }): Extract<AgentEvent, { type: "tool" }> {
  return { type: "tool", name: call.title ?? call.toolCallId, input: call.rawInput, id: call.toolCallId, ...acpToolFacts(call) };
}

/** A finished ACP tool call's update as a `tool_result` event, with the exit code where the agent says it. */
export function acpToolResult(
  update: AcpToolCall & { toolCallId: string; status?: string | null; rawOutput?: unknown; content?: unknown },
): Extract<AgentEvent, { type: "tool_result" }> {
  const exitCode = acpExitCode(update.rawOutput, update.content);
  return {
    type: "tool_result",
    name: update.title ?? update.toolCallId,
    ok: update.status === "completed",
    id: update.toolCallId,
    ...definedFields({ exitCode }),
  };
}
