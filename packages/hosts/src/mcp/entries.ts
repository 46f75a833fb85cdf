import { McpServerSpecSchema, type McpServerSpec } from "@subagent-mcp/contract";
import type { z } from "zod";
import { SERVER_NAME } from "../host.js";
import type { ReadConfig } from "./read-config.js";

// How a host adapter's reader of MCP servers records what it finds (src/hosts/<host>.ts reads the
// files, this names, checks and collects the entries).

/** Where the files are: the user's home, the folder a sub-agent works in, and the environment `${VAR}` is read from. */
export interface LookupContext {
  home: string;
  cwd: string;
  env: Record<string, string | undefined>;
}

/**
 * Where an entry is written: the user's own files (`user`), Claude Code's per-project entries in
 * the user's ~/.claude.json (`local`), or a file in the project (`project`: whoever wrote the
 * repository wrote it, so it is used only in a trusted project).
 */
export type McpScope = "local" | "project" | "user";

/** One server a host's reader found: its name, scope, the file it was read from, and how to start or reach it. */
export interface FoundServer {
  name: string;
  scope: McpScope;
  file: string;
  spec: McpServerSpec;
}

/** What a host's entry says once read: a process to start, a URL to reach, or why it cannot be handed on. */
export type Draft = { command: string; args: string[]; env: Record<string, string> } | { url: string; headers: Record<string, string> } | { skip: string };

/** The entries of one host, in the order they were added (its precedence), and what was left out. */
export class HostReading {
  readonly servers: FoundServer[] = [];
  readonly problems: string[] = [];
  /** Whether one of the tables read holds our own entry (which a sub-agent's CLI would start as a server of its own). */
  ours = false;
  /** The name of every server a session of the CLI starts: each admitted entry of the tables read (ours and those not offered included), and those of `alsoStarted`. */
  readonly names: string[] = [];
  /** `host` names the host in each problem. */
  constructor(readonly host: string) {}

  /** The server table at `key` of a read file, or undefined (with a problem when the file or the table is wrong). */
  table(file: string, read: ReadConfig, key: string): Record<string, unknown> | undefined {
    if (read.kind === "missing") return undefined;
    if (read.kind === "bad") {
      this.problems.push(`${this.host}: ${file} skipped: ${read.reason}`);
      return undefined;
    }
    const table = read.data[key];
    if (table === undefined) return undefined;
    if (typeof table !== "object" || table === null || Array.isArray(table)) {
      this.problems.push(`${this.host}: ${file}: "${key}" is not an object; its servers are skipped`);
      return undefined;
    }
    return table as Record<string, unknown>;
  }

  /**
   * Adds each entry of a server table, read by `draft`; ours (`subagent-mcp`) is never offered. An
   * entry the file's own settings keep the CLI from starting (`admitted` false) is neither offered
   * nor named: it is not among the servers a session of that CLI has.
   */
  addAll(
    scope: McpScope,
    file: string,
    table: Record<string, unknown> | undefined,
    draft: (name: string, raw: unknown) => Draft | undefined,
    admitted: (name: string) => boolean = () => true,
  ): void {
    for (const [name, raw] of Object.entries(table ?? {})) {
      if (!admitted(name)) continue;
      this.names.push(name);
      if (name === SERVER_NAME) {
        this.ours = true;
        continue;
      }
      const made = draft(name, raw);
      if (made !== undefined) this.add(scope, file, name, made);
    }
  }

  /** Servers the CLI starts from elsewhere than the tables read (Gemini CLI's extensions): named, never offered. */
  alsoStarted(names: readonly string[]): void {
    for (const name of names) if (name !== SERVER_NAME) this.names.push(name);
  }

  /** A problem about one entry that is still offered (a setting that cannot be passed on). */
  note(file: string, name: string, what: string): void {
    this.problems.push(`${this.host}: ${file}: "${name}" ${what}`);
  }

  private add(scope: McpScope, file: string, name: string, draft: Draft): void {
    if ("skip" in draft) {
      this.note(file, name, `skipped: ${draft.skip}`);
      return;
    }
    const spec = McpServerSpecSchema.safeParse("url" in draft ? { name, url: draft.url, ...nonEmpty(draft.headers) } : { name, ...draft });
    if (!spec.success) {
      this.note(file, name, `skipped: ${issues(spec.error)}`);
      return;
    }
    this.servers.push({ name, scope, file, spec: spec.data });
  }
}

// An HTTP server without headers has none in its spec.
function nonEmpty(headers: Record<string, string>): { headers?: Record<string, string> } {
  return Object.keys(headers).length === 0 ? {} : { headers };
}

/** A zod error in one line: each issue's path and message. */
export function issues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.join(".")}: ${issue.message}`)).join("; ");
}

/** `raw` parsed by a host's entry schema, or the reason it does not fit. */
export function entryOf<S extends z.ZodType>(schema: S, raw: unknown): { entry: z.output<S> } | { skip: string } {
  const parsed = schema.safeParse(raw);
  return parsed.success ? { entry: parsed.data } : { skip: issues(parsed.error) };
}
