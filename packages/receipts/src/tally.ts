import type { ReceiptCommand, ReceiptPermission, ToolKind } from "@subagent-mcp/contract";
import type { AgentEvent, PermissionEvent } from "@subagent-mcp/core";
import { describeRequest } from "@subagent-mcp/permissions";
import type { Phrases } from "./phrases.js";
import { testRunOf } from "./test-run.js";

// What one turn did, counted as its events come: the tool calls by kind, the shell commands with
// their exit codes, the permission answers, the files the edit tools named. Nothing here reads the
// model's text, and each event costs a few map operations (the receipt's only cost per event).

/** Commands, permission answers and edited paths kept per turn (the rest is counted). */
export const MAX_LISTED = 50;
/** Characters of a command kept. */
const COMMAND_CHARS = 300;

type ToolCall = Extract<AgentEvent, { type: "tool" }>;
type ToolResult = Extract<AgentEvent, { type: "tool_result" }>;
type Command = ReceiptCommand & { answered: boolean };

/** A tool call that has not answered yet. */
interface Open {
  name: string;
  kind: ToolKind;
  /** A shell call's command (listed in `commands`, or only counted past the cap). */
  command?: Command;
}

/** One turn's counts; `see` and `permission` take its events, the fields are read at its end. */
export class TurnTally {
  calls = 0;
  failed = 0;
  readonly byKind: Partial<Record<ToolKind, number>> = {};
  readonly mcp: Record<string, number> = {};
  readonly commands: Command[] = [];
  commandsOmitted = 0;
  testRuns = 0;
  /**
   * The last test run (listed or not), its exit code filled in when it answers; `undetermined`: why
   * its exit says nothing of the tests. Until a test runs, the last line that only names one.
   */
  lastTest: { command: Command; undetermined: string | undefined } | undefined;
  readonly permissions: ReceiptPermission[] = [];
  readonly edited = new Set<string>();
  /** Edit calls that named no path: their files are not known from the tools. */
  unnamedEdits = 0;
  /** The last failed tool call, while no call followed it. */
  unanswered: string | undefined;
  /** A call that could write files ran (shell, edit, MCP, or one we cannot tell). */
  wrote = false;
  /** The last permission answer was a refusal and no tool call succeeded after it. */
  deniedLast: string | undefined;
  readonly #open = new Map<string, Open>();
  readonly #unnamed: Open[] = [];

  constructor(private readonly phrases: Phrases) {}

  see(event: AgentEvent): void {
    if (event.type === "tool") this.#call(event);
    else if (event.type === "tool_result") this.#result(event);
  }

  permission(event: PermissionEvent): void {
    if (event.decision === "ask") return; // it parks the agent; its answer comes later
    const denied = event.decision === "deny";
    const answer: ReceiptPermission = {
      tool: event.request.tool,
      summary: clip(describeRequest(event.request), COMMAND_CHARS),
      decision: event.decision,
      by: event.by,
      ...(event.rule === undefined ? {} : { rule: event.rule }),
    };
    if (this.permissions.length < MAX_LISTED) this.permissions.push(answer);
    this.deniedLast = denied ? `${answer.summary} was denied (${event.rule === undefined ? `by ${event.by}` : `rule ${event.rule}`})` : undefined;
  }

  #call(event: ToolCall): void {
    const kind = event.kind ?? kindOf(event.name);
    this.calls += 1;
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
    if (kind === "mcp") {
      const server = event.server ?? event.name.replace(/^mcp__/, "").split(/__|\//)[0] ?? event.name;
      this.mcp[server] = (this.mcp[server] ?? 0) + 1;
    }
    if (kind !== "read" && kind !== "search" && kind !== "web") this.wrote = true;
    for (const path of event.paths ?? []) if (this.edited.size < MAX_LISTED * 20) this.edited.add(path);
    if (kind === "edit" && (event.paths ?? []).length === 0) this.unnamedEdits += 1;
    this.unanswered = undefined;
    const open: Open = { name: event.name, kind };
    if (kind === "shell") open.command = this.#command(event.command ?? commandOf(event.input) ?? event.name);
    if (event.id !== undefined) this.#open.set(event.id, open);
    else this.#unnamed.push(open);
  }

  #command(command: string): Command {
    const test = testRunOf(this.phrases, command);
    const entry: Command = { command: clip(command, COMMAND_CHARS), exit_code: null, answered: false, ...(test?.run === true ? { test: true } : {}) };
    if (test?.run === true) {
      this.testRuns += 1;
      this.lastTest = { command: entry, undetermined: test.masked };
    } else if (test !== undefined && this.testRuns === 0) this.lastTest = { command: entry, undetermined: test.reason };
    if (this.commands.length < MAX_LISTED) this.commands.push(entry);
    else this.commandsOmitted += 1;
    return entry;
  }

  #result(event: ToolResult): void {
    const open = this.#take(event);
    if (!event.ok) this.failed += 1;
    if (event.ok) this.deniedLast = undefined;
    const command = open?.command;
    if (command !== undefined) {
      command.answered = true;
      command.exit_code = event.exitCode ?? null;
    }
    this.unanswered = event.ok ? undefined : describeFailure(open?.name ?? event.name, command);
  }

  // Its call by id; a CLI that gives no ids answers in order (the oldest open call of that name).
  #take(event: ToolResult): Open | undefined {
    if (event.id !== undefined && this.#open.has(event.id)) {
      const open = this.#open.get(event.id);
      this.#open.delete(event.id);
      return open;
    }
    const index = this.#unnamed.findIndex((o) => o.name === event.name);
    return index < 0 ? undefined : this.#unnamed.splice(index, 1)[0];
  }
}

function describeFailure(name: string, command: Command | undefined): string {
  if (command === undefined) return `${name} failed`;
  return `\`${command.command}\` failed${command.exit_code === null ? "" : ` (exit ${command.exit_code})`}`;
}

/** What a tool does by its name, for a driver that did not say (MCP tools: `mcp__server__tool` or `server/tool`). */
export function kindOf(name: string): ToolKind {
  const n = name.toLowerCase();
  if (n.startsWith("mcp__") || n.includes("/")) return "mcp";
  if (/bash|shell|exec|command|terminal|run_/.test(n)) return "shell";
  if (/edit|write|patch|replace|create|delete|move|notebook/.test(n)) return "edit";
  if (/grep|glob|search|find|ls$|list/.test(n)) return "search";
  if (/fetch|web|http|url|browse/.test(n)) return "web";
  if (/read|view|cat|open/.test(n)) return "read";
  return "other";
}

// A shell call's command from its input, when the driver did not lift it out.
function commandOf(input: unknown): string | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const command = (input as { command?: unknown }).command;
  if (typeof command === "string") return command;
  if (Array.isArray(command)) return command.map(String).join(" ");
  return undefined;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
