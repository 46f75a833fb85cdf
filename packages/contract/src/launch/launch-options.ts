import { z } from "zod";
import { EscalateSchema } from "./escalate.js";
import { McpServerSpecSchema } from "./mcp-server.js";
import { PermissionModeSchema } from "../permissions/permission-modes.js";
import { ProviderSchema } from "../provider.js";

// What a caller may ask of a launch, each option once: launch_agent's input picks from it, an agent
// definition's frontmatter and a routing entry too, and each holds the result to the same rules
// (`launchOptionIssues`). Adding an option is a line here plus its plumbing where it is used.

/** The longest model id or effort name. */
const MAX_NAME_CHARS = 200;
/** The longest allowed tool or permission rule. */
export const MAX_RULE_CHARS = 1_000;
/** The most allowed tools, or rules of one kind. */
export const MAX_RULES = 200;

// Launch text that ends up on a CLI's command line or in its environment (model, effort, allowed
// tools) is bounded, so that an oversized value is the caller's clear error rather than a spawn
// that fails with E2BIG.

/** A model id, effort, ref or machine name. */
const nameText = (what: string) => z.string().min(1).max(MAX_NAME_CHARS, `${what}: at most ${MAX_NAME_CHARS} characters`);

/** A list of tool names or rules, each bounded. */
const ruleList = (what: string) =>
  z.array(z.string().min(1).max(MAX_RULE_CHARS, `${what}: each at most ${MAX_RULE_CHARS} characters`)).max(MAX_RULES, `${what}: at most ${MAX_RULES} entries`);

/**
 * A budget: limits on what an agent (or a server session, or a project's day) may spend. Tokens
 * are input + output + cache writes (cache reads, billed at a fraction, are not counted).
 */
export const BudgetSchema = z.strictObject({
  max_cost_usd: z.number().positive().optional(),
  max_tokens: z.int().positive().optional(),
  max_turns: z.int().positive().optional(),
  max_seconds: z.number().positive().optional(),
});
export type Budget = z.infer<typeof BudgetSchema>;

// Rule strings in Claude Code's syntax, one per list item (a rule may hold commas); the permissions package parses them.
const RuleStrings = z.array(z.string().min(1));

/** Rules as written, `{allow, deny, ask}`: their syntax is the permissions package's to check. */
const RulesSchema = z.strictObject({ allow: RuleStrings.optional(), deny: RuleStrings.optional(), ask: RuleStrings.optional() });

/** The user's MCP servers for a sub-agent: names from a host's config, "inherit", or specs written out. */
const McpServersSchema = z.array(z.union([z.string().min(1).max(64), McpServerSpecSchema])).max(32);

/**
 * A second opinion on each turn that changed files: an agent of `provider` (by default one of another
 * vendor than the author's) reads the task, the receipt and the diff, read-only, and gives a verdict.
 */
export const ReviewSchema = z.strictObject({
  provider: ProviderSchema.optional().describe(
    "Who reviews (default: an installed CLI of another vendor than the author's: codex for claude, claude for the others).",
  ),
  model: nameText("model").optional().describe("The reviewer's model (its CLI's default when omitted)."),
});
export type Review = z.infer<typeof ReviewSchema>;

/** Every launch option, optional, with the description launch_agent's JSON Schema shows (where it sits there: `mcp_servers`'s is the list's own). */
export const LaunchOptionsSchema = z.object({
  provider: ProviderSchema.optional().describe("Which CLI runs the sub-agent: claude, codex, gemini, or a configured ACP agent (qwen, opencode, ...)."),
  model: nameText("model").optional().describe("Model id for that CLI (its default when omitted)."),
  effort: nameText("effort").optional().describe("Reasoning effort, e.g. low, medium, high (CLI-specific)."),
  escalate: EscalateSchema.optional().describe(
    'Hand the task to a stronger candidate of its category when it fails: {on: "error"} when its first turn ends in an error; {on: "check", check: "pnpm test"} also when that command, run in its cwd after the turn, fails. The next candidate gets the task, the earlier answer and the check\'s output; max_steps (default 1) bounds the climb. The agent id stays; poll_agent shows each attempt. Default: the category\'s routing entry.',
  ),
  review: ReviewSchema.optional().describe(
    "A second opinion on each turn that changed files: {provider?, model?}. The reviewer (by default a CLI of another vendor) gets the task, the receipt and the diff, runs read-only (plan mode) within this launch's budget, and answers approve or changes_requested with reasons; its verdict joins the receipt (receipt.review) and wait's answer. With escalate {on: \"review\"} a rejected first turn goes to the next candidate with the reasons. Default: the category's routing entry.",
  ),
  cwd: z.string().min(1).optional().describe("Existing directory the sub-agent works in (default: the server's)."),
  system_prompt_append: z
    .string()
    .optional()
    .describe("Text appended to the sub-agent's system prompt (handed to the CLI in a file or its protocol, never on its command line)."),
  allowed_tools: ruleList("allowed_tools")
    .optional()
    .describe(`Tools the sub-agent may use without asking (at most ${MAX_RULES}, each at most ${MAX_RULE_CHARS} characters).`),
  permission_mode: PermissionModeSchema.optional().describe(
    "plan, default, acceptEdits, auto or bypassPermissions (or a CLI's own name for one: read-only, workspace-write, danger-full-access, auto_edit, yolo); mapped per CLI. A nested server grants at most its own.",
  ),
  permissions: RulesSchema.optional().describe(
    'Rules for the sub-agent\'s permission requests in Claude Code\'s syntax, e.g. {"allow": ["Bash(npm test:*)", "Edit(src/**)"], "deny": ["Bash(rm:*)"], "ask": ["WebFetch"]}. Deny beats ask beats allow; allow and deny are answered at once; what no rule covers asks (reads inside cwd are allowed): the agent waits in permission_requested for respond_permission.',
  ),
  label: z.string().max(200).optional().describe("A short name to recognise the agent by (also names its worktree branch)."),
  budget: BudgetSchema.optional().describe(
    "Limits on what the sub-agent may spend: {max_cost_usd, max_tokens, max_turns, max_seconds}. From 80 % poll_agent, wait and list_agents warn; at 100 % its running turn is interrupted (what it wrote is kept) and it waits in budget_exceeded until send_message raise_budget.",
  ),
  isolation: z
    .enum(["none", "worktree"])
    .optional()
    .describe(
      "worktree: the sub-agent works in a git worktree of its own, on a new branch subagent/<label or id> from base, outside your checkout (cwd must be in a git repository). When it ends, a worktree without work is removed; one with work is kept on its branch. Default none: it works in cwd itself.",
    ),
  base: nameText("base").optional().describe("With isolation worktree: the ref its branch starts from (default: the repository's current HEAD)."),
  machine: nameText("machine")
    .optional()
    .describe(
      'Run it on another machine of the fleet: a node\'s name (list_machines), or "any" for a live one with the provider and a free slot (most free first, then least loaded). cwd is then an absolute path on that machine. Needs the Redis the mailboxes share (SUBAGENT_MCP_MAILBOX_URL) and the fleet key.',
    ),
  mcp_servers: McpServersSchema.describe(
    "The user's own MCP servers the sub-agent gets beside its CLI's tools: names from your hosts' configs (Claude Code ~/.claude.json and .mcp.json, Codex config.toml, Gemini CLI / Qwen Code settings.json, OpenCode opencode.json; `subagent-mcp doctor --mcp` lists them), \"inherit\" for every server of the host that started this one, or a spec {name, command, args, env} / {name, url, headers}. Env values and headers never reach a command line or the journal. Their tools are allowed unless a deny or ask rule (mcp__NAME__tool) says otherwise.",
  ).optional(),
  outlive: z
    .boolean()
    .optional()
    .describe(
      "With machine: keep it running there when this server goes away (by default its end ends the agents it launched). A turn under way runs to its end, its work staying there (e.g. on its worktree's branch); then it ends.",
    ),
});
/** An MCP servers request as a caller writes it (before specs get their defaults). */
export type McpServersRequest = z.input<typeof McpServersSchema>;

/** The options the cross-field rules read; a user without one of them (a routing entry has no machine) leaves it out. */
export interface RuledOptions {
  cwd?: string | undefined;
  isolation?: "none" | "worktree" | undefined;
  base?: string | undefined;
  machine?: string | undefined;
  escalate?: unknown;
  review?: unknown;
  mcp_servers?: readonly unknown[] | undefined;
}

/** A launch option that breaks a rule, and why. */
export interface LaunchOptionIssue {
  path: [keyof RuledOptions];
  message: string;
}

/** What of `o` the options' cross-field rules refuse (none: it may launch). */
export function launchOptionIssues(o: RuledOptions): LaunchOptionIssue[] {
  const issues: LaunchOptionIssue[] = [];
  const refuse = (option: keyof RuledOptions, message: string): void => {
    issues.push({ path: [option], message });
  };
  if (o.base !== undefined && o.isolation !== "worktree") refuse("base", 'base needs isolation: "worktree"');
  // What a machine of the fleet runs works on that machine's files: a path there, and nothing of ours that runs here after it.
  if (o.machine !== undefined) {
    if (o.cwd !== undefined && !o.cwd.startsWith("/")) refuse("cwd", "cwd must be an absolute path on the machine");
    // The check and the stronger candidate run here, once the first turn ended there.
    if (o.escalate !== undefined)
      refuse(
        "escalate",
        "escalate is not offered with machine: the check and the stronger agent run here, on this machine's files, and the task's work is on the other",
      );
    // The reviewer runs here and reads the diff here, where the work is not.
    if (o.review !== undefined) refuse("review", "review is not offered with machine: the reviewer reads the turn's files, which are on the other machine");
    // They are this machine's (its configs, its processes).
    if ((o.mcp_servers?.length ?? 0) > 0) refuse("mcp_servers", "mcp_servers are this machine's MCP servers: not offered with machine");
  }
  // Escalating on a review needs one.
  if (isEscalate(o.escalate) && o.escalate.on === "review" && o.review === undefined)
    refuse("escalate", 'escalate on "review" needs review: {provider?, model?} (on the launch or its category\'s routing entry)');
  return issues;
}

function isEscalate(value: unknown): value is { on: string } {
  return typeof value === "object" && value !== null && typeof (value as { on?: unknown }).on === "string";
}

/** The rules as a zod refinement: `Schema.superRefine(launchOptionRules)` in each user's schema. */
export function launchOptionRules(o: RuledOptions, ctx: z.core.$RefinementCtx<RuledOptions>): void {
  for (const issue of launchOptionIssues(o)) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
}
