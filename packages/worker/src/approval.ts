import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateDir, writeAtomic, stateLayout, workerLayout } from "@subagent-mcp/state";
import { PermissionRulesSchema, type PermissionRules } from "@subagent-mcp/permissions";
import { z } from "zod";
import { WorkerError } from "./errors.js";
import { PermissionDecisionSchema, PermissionRequestSchema, type PermissionDecision } from "@subagent-mcp/contract";

// A worker's permission requests that wait for its approver: one private file each, so that a shell
// (`subagent-mcp permissions`) can list and answer them while the worker blocks on its mailbox.

/** Threads of approval requests start with this, so a late answer is never taken for a new task. */
export const APPROVAL_THREAD_PREFIX = "permission-";

export const PendingApprovalSchema = z.object({
  /** The request's id for `subagent-mcp permissions allow|deny ID`; also its mail thread. */
  id: z.string().startsWith(APPROVAL_THREAD_PREFIX),
  worker: z.string(),
  approver: z.string(),
  /** The message sent to the approver. */
  messageId: z.string(),
  /** The request's key (see answer.ts): an answer counts only from the approver and naming it. Never listed. */
  key: z.string().regex(/^[0-9a-f]{32}$/),
  summary: z.string(),
  askedAt: z.string(),
  request: PermissionRequestSchema,
});
export type PendingApproval = z.infer<typeof PendingApprovalSchema>;

/** Rules from flags, checked once: a rule that does not parse stops the worker before it starts. */
export function workerRules(rules: { allow?: string[]; deny?: string[]; ask?: string[] }): PermissionRules {
  const parsed = PermissionRulesSchema.safeParse(rules);
  if (!parsed.success) throw new WorkerError("INVALID_RULES", `invalid permission rule: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

/**
 * An approver's answer: "allow", "allow always", "deny" or "deny: reason" (any letter case, the
 * first line only); undefined for anything else.
 */
export function parseApproval(body: string): PermissionDecision | undefined {
  const line = (body.split("\n")[0] ?? "").trim();
  const match = /^(allow(?:[ _]always)?|deny)\s*(?::\s*(.*))?$/i.exec(line);
  if (match === null) return undefined;
  const word = (match[1] ?? "").toLowerCase();
  if (word === "deny") return PermissionDecisionSchema.parse({ behavior: "deny", message: match[2]?.trim() || "denied by the approver" });
  if (match[2] !== undefined) return undefined; // "allow: ..." is not an answer we know
  return { behavior: word === "allow" ? "allow" : "allow_always" };
}

/** The pending-approval files of one worker (`<worker dir>/permissions/ID.json`, 0600). */
export class PendingApprovals {
  constructor(readonly dir: string) {}

  save(pending: PendingApproval): void {
    ensurePrivateDir(this.dir);
    writeAtomic(join(this.dir, `${pending.id}.json`), `${JSON.stringify(pending)}\n`, { mode: 0o600 });
  }

  remove(id: string): void {
    rmSync(join(this.dir, `${id}.json`), { force: true });
  }

  /** Forgets every request: a new run's session never asked them (the worker starts here). */
  clear(): number {
    const all = this.list();
    for (const p of all) this.remove(p.id);
    return all.length;
  }

  /** Every readable pending request; files that are not one are skipped. */
  list(): PendingApproval[] {
    let files: string[];
    try {
      files = readdirSync(this.dir).filter((f) => f.endsWith(".json"));
    } catch {
      return [];
    }
    return files.flatMap((file) => {
      try {
        const parsed = PendingApprovalSchema.safeParse(JSON.parse(readFileSync(join(this.dir, file), "utf8")));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
  }
}

/** The pending permission requests of every worker under `<stateDir>/workers/`, oldest first (a folder that cannot be read has none). */
export function pendingOfAllWorkers(stateDir: string): PendingApproval[] {
  const root = stateLayout(stateDir).workers;
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      try {
        return new PendingApprovals(workerLayout(join(root, name)).permissions).list();
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.askedAt.localeCompare(b.askedAt));
}
