import { randomUUID } from "node:crypto";
import { poolOf, type AgentChange, type AgentView, type LaunchRequest, type Supervisor, type TurnReport } from "@subagent-mcp/core";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CATEGORY_INDEX_FILE, CategoryIndex } from "../categories/category-index.js";
import { encodeLaunch, launchAsked } from "../launch-record.js";
import { pruneJournals } from "../prune.js";
import { journalReceipt } from "../receipt.js";
import type { JournalEntry, ServerRef } from "../schema.js";
import { JournalWriter } from "../writer.js";
import type { PermissionRules } from "@subagent-mcp/permissions";
import { selfRef } from "@subagent-mcp/state";
import { toolCallLine } from "./tool-summary.js";
import { recordedUsage, definedFields } from "@subagent-mcp/contract";
import { isoTime } from "./iso-time.js";

/** Where agents' journals go and how long they are kept. */
export interface JournalSettings {
  /** `$XDG_STATE_HOME/subagent-mcp/agents`. */
  dir: string;
  /** Journals untouched this long are deleted when a server starts (default 14 days). */
  retentionDays?: number;
  /** The agents this server runs under (a nested server's): recorded in each launch, and the only ones whose journals it reads. */
  lineage?: readonly string[];
}

/** What a launch knows that the supervisor's request does not carry. */
export interface LaunchNotes {
  permissions?: PermissionRules;
  /** The task category routing chose the agent for. */
  category?: string;
  worktree?: { path: string; branch: string; base: string };
  /** The user's MCP servers it was handed, as shown (no env, no headers). */
  mcpServers?: { name: string; from: string; command?: string; url?: string }[];
  /** The agents above it, top first, when another agent's tools launched it (the server's own lineage otherwise). */
  lineage?: readonly string[];
  /** Set when the launch resumes a past agent: a `resume` entry is written instead of a `launch`. */
  resumeOf?: { sessionId: string };
}

/** An agent launched for a category: its category, and the candidate it runs on now (a failover or an escalation moves it). */
interface Routed {
  category: string;
  current: { provider: string; model?: string };
}

/** Agent directories kept claimed ahead, for a host's burst of launches (see JournalWriter.reserve). */
const CLAIMED_AHEAD = 3;
/** Why an agent the user stopped ended, as its journal, list_agents and logs say it. */
const STOPPED_BY_USER = "stopped by the user";

/** Days a journal is kept when the config says nothing. */
export const DEFAULT_RETENTION_DAYS = 14;

/**
 * Records every agent of one server in its journal (see JournalWriter), as it happens and
 * without ever making a tool call wait: launches, messages, visible tool calls, turns, status
 * changes and how each agent ended.
 */
export class AgentJournal {
  readonly writer: JournalWriter;
  readonly server: ServerRef;
  readonly #notes = new Map<string, LaunchNotes>();
  /** Completed turns per agent: a tool call belongs to the turn after them. */
  readonly #turns = new Map<string, number>();
  /** Agents launched for a category, until they end: their turns teach the category index. */
  readonly #routed = new Map<string, Routed>();
  #index: CategoryIndex | undefined;
  #exiting = false;
  /** Agents the user stopped, until they end: their end entry says so. */
  readonly #byUser = new Set<string>();

  constructor(
    readonly settings: JournalSettings,
    /** The project this server serves (its default cwd): past agents are listed per project. */
    readonly project: string,
    /** When to claim directories ahead again after a claim: the server's launch gate, so never inside a burst of launches. */
    private readonly later: (run: () => void) => void = setImmediate,
  ) {
    this.server = { id: randomUUID(), ...selfRef(), started_at: isoTime() };
    this.writer = new JournalWriter({ dir: settings.dir, server: this.server });
    // A host launches a few agents at once: their directories are claimed before they are asked for.
    this.writer.reserve(CLAIMED_AHEAD);
    // Old journals go in the background: a server's start never waits on them.
    const days = settings.retentionDays ?? DEFAULT_RETENTION_DAYS;
    // Best effort: the next server tries again.
    if (days > 0) setTimeout(() => void pruneJournals(settings.dir, days * 86_400_000).catch(() => undefined), 0).unref();
    // Routing reads the category index on launches: it is opened (or rebuilt once from the journals) off their path.
    setTimeout(() => this.#openIndex(), 0).unref();
  }

  /**
   * The typical turns per category learned from past turns, for routing. Read from its file on
   * first use (a few ms); when it must first be rebuilt from the journals (a scan, once per journal
   * directory), that runs in the background and this is undefined until it has.
   */
  categoryIndex(): CategoryIndex | undefined {
    if (this.#index === undefined && existsSync(join(this.settings.dir, CATEGORY_INDEX_FILE))) this.#openIndex();
    return this.#index;
  }

  #openIndex(): CategoryIndex {
    this.#index ??= CategoryIndex.open(this.settings.dir);
    return this.#index;
  }

  /** Writes the category index's pending turns (at shutdown). */
  flushIndex(): void {
    this.#index?.flush();
  }

  /** Records what happens to `supervisor`'s agents from now on. */
  attach(supervisor: Supervisor): void {
    supervisor.onChange((change) => {
      this.#onChange(change);
    });
    supervisor.onTurn((report) => {
      this.#onTurn(report);
    });
    supervisor.onEnd((view) => {
      this.#onEnd(view);
    });
  }

  /** A new agent id, its journal directory claimed (throws JOURNAL_UNWRITABLE when it cannot be written). */
  claim(preferred?: string): string {
    this.writer.check();
    const id = this.writer.claim(preferred);
    this.later(() => {
      this.writer.reserve(CLAIMED_AHEAD);
    });
    return id;
  }

  /** Gives back the id of a launch refused after its claim (a bad cwd or base, a machine that cannot take it). */
  unclaim(agentId: string): void {
    this.#notes.delete(agentId);
    this.#routed.delete(agentId);
    this.writer.giveBack(agentId);
  }

  /** Notes for the launch of `agentId` that is about to happen. */
  expect(agentId: string, notes: LaunchNotes): void {
    this.#notes.set(agentId, notes);
  }

  /** From here on, agents that end do so because this server exits. */
  exiting(): void {
    this.#exiting = true;
  }

  /** Agent `agentId` ends because the user stopped it: its end entry says so. */
  stoppedByUser(agentId: string): void {
    this.#byUser.add(agentId);
  }

  #append(agentId: string, entry: JournalEntry): void {
    this.writer.append(agentId, entry);
  }

  #onChange(change: AgentChange): void {
    const at = new Date(change.at).toISOString();
    switch (change.type) {
      case "launched":
        this.#launched(change.agentId, change.request, at);
        return;
      case "sent":
        this.#append(change.agentId, { t: "prompt", at, turn: change.turn, text: change.text });
        return;
      case "attempt": {
        const { attempt: a, next } = change;
        const routed = this.#routed.get(change.agentId);
        if (routed !== undefined) routed.current = { provider: next.provider, ...definedFields({ model: next.model }) };
        this.#append(change.agentId, {
          t: "attempt",
          at,
          kind: a.kind ?? "failover",
          provider: a.provider,
          ...definedFields({ model: a.model, effort: a.effort, machine: a.machine }),
          reason: a.reason,
          ...definedFields({ result: a.result }),
          ...(a.check === undefined
            ? {}
            : { check: { command: a.check.command, exit_code: a.check.exitCode, output_tail: a.check.output.slice(-4_000), duration_ms: a.check.durationMs } }),
          ...definedFields({ cost_usd: a.costUsd }),
          next,
        });
        return;
      }
      case "status":
        this.#append(change.agentId, {
          t: "status",
          at,
          status: change.status,
          alive: change.alive,
          ...definedFields({ note: change.note }),
        });
        return;
      case "event": {
        const { event } = change;
        if (event.type === "started")
          this.#append(change.agentId, {
            t: "session",
            at,
            session_id: event.sessionId,
            ...(event.model ? { model: event.model } : {}),
            ...definedFields({ machine: change.machine }),
          });
        else if (event.type === "tool")
          this.#append(change.agentId, {
            t: "tool",
            at,
            turn: (this.#turns.get(change.agentId) ?? 0) + 1,
            name: event.name,
            summary: toolCallLine(event.name, event.input),
          });
        else if (event.type === "error") this.#append(change.agentId, { t: "error", at, message: event.message, transient: event.transient });
        return;
      }
    }
  }

  #launched(agentId: string, request: LaunchRequest, at: string): void {
    const notes = this.#notes.get(agentId) ?? {};
    this.#notes.delete(agentId);
    // A resumed conversation's tool calls go on numbering after its prior turns (core numbers its prompts).
    this.#turns.set(agentId, request.priorTurns ?? 0);
    if (notes.category !== undefined) {
      const current = { provider: request.provider, ...definedFields({ model: request.model }) };
      this.#routed.set(agentId, { category: notes.category, current });
    }
    if (notes.resumeOf !== undefined) {
      this.#append(agentId, {
        t: "resume",
        at,
        server: this.server,
        session_id: notes.resumeOf.sessionId,
        reason: "resume_agent",
        ...definedFields({ budget: request.budget }),
        ...(request.placement === undefined ? {} : { machine: request.placement.machine }),
      });
      return;
    }
    this.#append(agentId, this.#launchEntry(agentId, request, at, notes));
  }

  #launchEntry(agentId: string, request: LaunchRequest, at: string, notes: LaunchNotes): JournalEntry {
    return encodeLaunch({
      at,
      agentId,
      server: this.server,
      project: this.project,
      ...launchAsked(request),
      category: notes.category,
      pool: poolOf(request.label)?.pool,
      permissions: notes.permissions,
      worktree: notes.worktree,
      mcpServers: notes.mcpServers,
      lineage: lineageOf(notes.lineage ?? this.settings.lineage),
      machine: request.placement?.machine,
    });
  }

  /**
   * Makes the launch entry of a stand-in agent and writes it nowhere. Why: zod builds a schema's
   * parser on its first use, which for the launch codec costs a launch tens of milliseconds; a
   * server's warm-up calls this so that its first real launch_agent does not pay for it.
   */
  rehearse(): void {
    const request: LaunchRequest = { provider: "claude", cwd: this.project, prompt: "", permissionMode: "default", allowedTools: [] };
    this.#launchEntry("rehearsal", request, isoTime(Date.now()), { permissions: { allow: [], deny: [] }, lineage: ["rehearsal"] });
  }

  #onTurn(report: TurnReport): void {
    this.#turns.set(report.agentId, report.turn);
    this.#append(report.agentId, {
      t: "turn",
      at: new Date().toISOString(),
      turn: report.turn,
      result: report.result,
      is_error: report.isError,
      interrupted: report.interrupted,
      usage: recordedUsage(report.usage),
      ...definedFields({ cost_usd: report.costUsd }),
      duration_ms: Math.round(report.durationMs),
      ...definedFields({ superseded: report.superseded, receipt: report.receipt === undefined ? undefined : journalReceipt(report.receipt) }),
    });
    this.#learn(report);
  }

  // A turn of an agent launched for a category goes into the category index, under the candidate
  // it ran on (the attempt changes below keep it current); an escalated turn counts as a failure.
  #learn(report: TurnReport): void {
    const routed = this.#routed.get(report.agentId);
    if (routed === undefined) return;
    const candidate = routed.current;
    this.#openIndex().record({
      category: routed.category,
      ...candidate,
      usage: recordedUsage(report.usage),
      ...definedFields({ costUsd: report.costUsd }),
      durationMs: Math.round(report.durationMs),
      ok: !report.isError && !report.interrupted,
    });
  }

  #onEnd(view: AgentView): void {
    const byUser = this.#byUser.delete(view.id);
    const why = byUser
      ? STOPPED_BY_USER
      : this.#exiting
        ? "the server exited"
        : view.status === "stopped"
          ? "killed"
          : (view.note ?? (view.lastError === undefined ? "its CLI process ended" : `its CLI process ended: ${view.lastError.message}`));
    this.#append(view.id, { t: "end", at: new Date().toISOString(), status: view.status, why, ...(byUser ? { by: "user" as const } : {}) });
    this.#turns.delete(view.id);
    this.#routed.delete(view.id);
    void this.writer.close(view.id);
  }
}

// A lineage as journaled: a copy, none for a top-level agent.
function lineageOf(lineage: readonly string[] | undefined): string[] | undefined {
  return lineage === undefined || lineage.length === 0 ? undefined : [...lineage];
}
