import type { ServerDeps } from "../src/index.js";

type Groups = Omit<ServerDeps, "supervisor" | "fleet">;
type Inner<K extends keyof Groups> = NonNullable<Groups[K]>;

/** The server's deps with every group's fields side by side: what most tests set is one or two of them. */
export type FlatDeps = Pick<ServerDeps, "supervisor" | "fleet"> &
  Partial<Inner<"serving"> & Inner<"agents"> & Inner<"nesting"> & Inner<"spending"> & Inner<"persistence"> & Inner<"limits">> & {
    routingTable?: Inner<"routing">["table"];
    routingBranch?: Inner<"routing">["branch"];
    withheldProviders?: Inner<"routing">["withheldProviders"];
    installed?: Inner<"routing">["installed"];
    messaging?: { mail: Inner<"messaging">["mail"]; self: string };
    childMessaging?: boolean;
  };

// Which group each field belongs to.
const GROUP: Partial<Record<string, keyof Groups>> = {
  version: "serving",
  toolsets: "serving",
  tracer: "serving",
  control: "serving",
  defaultCwd: "agents",
  permissions: "agents",
  definitions: "agents",
  poolRssCeilingMb: "agents",
  stallSeconds: "agents",
  sandbox: "agents",
  depth: "nesting",
  maxDepth: "nesting",
  ceiling: "nesting",
  lineage: "nesting",
  budget: "spending",
  budgets: "spending",
  quotaPercent: "spending",
  spend: "spending",
  prices: "spending",
  journal: "persistence",
  pending: "persistence",
  orchestration: "persistence",
  worktrees: "persistence",
  maxResultChars: "limits",
  progressEveryMs: "limits",
};
const ROUTING: Partial<Record<string, string>> = {
  routingTable: "table",
  routingBranch: "branch",
  withheldProviders: "withheldProviders",
  installed: "installed",
};

/** {@link FlatDeps} in their groups (version "test" unless given). */
export function grouped(flat: FlatDeps): ServerDeps {
  const { supervisor, fleet, messaging, childMessaging, ...rest } = flat;
  const groups: Record<string, Record<string, unknown>> = { serving: { version: "test" } };
  for (const [key, value] of Object.entries(rest) as [string, unknown][]) {
    if (value === undefined) continue;
    const routing = ROUTING[key];
    const group = routing === undefined ? GROUP[key] : "routing";
    if (group === undefined) throw new Error(`grouped: no group for ${key}`);
    (groups[group] ??= {})[routing ?? key] = value;
  }
  if (messaging !== undefined) groups.messaging = { ...messaging, ...(childMessaging === undefined ? {} : { children: childMessaging }) };
  return { supervisor, ...(fleet === undefined ? {} : { fleet }), ...groups } as unknown as ServerDeps;
}
