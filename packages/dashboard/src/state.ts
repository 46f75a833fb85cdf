import { errorMessage } from "@subagent-mcp/errors";
// Gathers the whole state the page shows, from the servers' snapshots, the journal, mail and presence.
import type { MailboxStore, PresenceEntry, PresenceRegistry } from "@subagent-mcp/mailbox";

import { mailboxCounts } from "./mailbox-counts.js";
import { approvalView, workerApprovals } from "./worker-approvals.js";
import { pastPage, type PastCache } from "./past.js";
import type { ServerSet } from "./servers.js";
import type { BoardView, CapView, DashboardState, Machine, MailboxView, PastPage } from "@subagent-mcp/contract";
import type { UsageCache } from "./usage.js";
import { quotaNow } from "./quota.js";
import type { CapsSource } from "./caps.js";
import type { BoardSource } from "./boards/source.js";
import { definedFields } from "@subagent-mcp/contract";
import { sameStamps } from "@subagent-mcp/journal";

/** Where the state comes from. */
export interface StateSources {
  stateDir: string;
  project: string;
  mail: MailboxStore;
  presence: PresenceRegistry;
  servers: ServerSet;
  usage: UsageCache;
  past: PastCache;
  /** The machine's team boards. */
  boards?: BoardSource;
  /** The config's spend caps, when it sets any. */
  caps?: CapsSource;
  /** The fleet's live machines, when one is configured. */
  machines?: () => Promise<Machine[]>;
}

/** The state as of now; a part that cannot be read is empty and said in `errors`. */
export async function collectState(s: StateSources): Promise<DashboardState> {
  s.servers.sync();
  const links = await s.servers.ready();
  const errors: string[] = [];
  const servers = links.map((l) => l.view);
  const live = new Set(servers.flatMap((v) => v.agents.map((a) => a.agent_id)));
  // Usage and the listing pass over the same past agents: each journal stat'ed once for both.
  const { usage, pastAll } = sameStamps(() => {
    const now = s.usage.get();
    return { usage: now.usage, pastAll: s.past.get(live, now.costs) };
  });
  const [workers, mailboxes, machines, boards] = await Promise.all([
    s.presence.list().catch((error: unknown): PresenceEntry[] => {
      errors.push(`workers: ${errorMessage(error)}`);
      return [];
    }),
    mailboxCounts(s.mail).catch((error: unknown): MailboxView[] => {
      errors.push(`mailboxes: ${errorMessage(error)}`);
      return [];
    }),
    s.machines?.().catch((error: unknown): Machine[] => {
      errors.push(`machines: ${errorMessage(error)}`);
      return [];
    }),
    s.boards?.views(errors).catch((error: unknown): BoardView[] => {
      errors.push(`boards: ${errorMessage(error)}`);
      return [];
    }),
  ]);
  // The newest past agents only: thousands of them would make every state megabytes.
  const past = pastPage(pastAll, undefined);
  return {
    project: s.project,
    generated_at: new Date().toISOString(),
    servers,
    past: past.past,
    past_total: past.total,
    ...definedFields({ past_next_cursor: past.next_cursor }),
    permission_requests: links.flatMap((l) => l.permissions),
    workers,
    worker_permissions: workerApprovals(s.stateDir).map(approvalView),
    mailboxes,
    usage,
    quota: quotaNow(s.stateDir),
    ...definedFields({ machines, caps: capsNow(s.caps, errors) }),
    ...(boards === undefined || boards.length === 0 ? {} : { boards }),
    ...capProblems(s.caps),
    errors,
  };
}

/** A page of the project's past agents after `cursor` (`/api/past`), as the state's `past` would go on. */
export async function collectPastPage(
  s: Pick<StateSources, "servers" | "usage" | "past">,
  cursor: string | undefined,
  limit: number | undefined,
): Promise<PastPage> {
  s.servers.sync();
  const links = await s.servers.ready();
  const live = new Set(links.flatMap((l) => l.view.agents.map((a) => a.agent_id)));
  return pastPage(s.past.get(live, s.usage.get().costs), cursor, limit);
}

// The caps as they stand; a ledger that cannot be read (or is refused) is said in `errors`.
function capsNow(caps: CapsSource | undefined, errors: string[]): CapView[] | undefined {
  try {
    return caps?.now();
  } catch (error) {
    errors.push(`spend caps: ${errorMessage(error)}`);
    return undefined;
  }
}

// The ledger's lines not counted, said beside the caps (a ledger that cannot be read is said by capsNow).
function capProblems(caps: CapsSource | undefined): { cap_problems?: string[] } {
  try {
    const problems = caps?.problems() ?? [];
    return problems.length === 0 ? {} : { cap_problems: problems };
  } catch {
    return {};
  }
}

/** The state without its time, to tell whether anything changed. */
export function stateKey(state: DashboardState): string {
  // A heartbeat's age changes every time: only a change of the machines themselves is news.
  const machines = state.machines?.map((m) => ({ ...m, seconds_since_heartbeat: 0 }));
  return JSON.stringify({ ...state, generated_at: "", ...definedFields({ machines }) });
}
