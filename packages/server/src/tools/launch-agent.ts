import { statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { BranchSchema, CATEGORY_DESCRIPTIONS, describeCandidate, selectCandidates, TaskCategorySchema } from "@subagent-mcp/routing";
import { z } from "zod";
import { ServerError } from "../errors.js";
import { DEPTH_ENV } from "../nesting.js";
import { guard, ok, ProviderSchema, StatusSchema, type ToolDeps } from "./_shared.js";

export const LaunchAgentInput = {
  prompt: z.string().min(1).describe("The task for the sub-agent: its first user message."),
  provider: ProviderSchema.optional().describe("Which CLI runs the sub-agent: claude, codex or gemini."),
  model: z.string().min(1).optional().describe("Model id for that CLI (its default when omitted)."),
  effort: z.string().min(1).optional().describe("Reasoning effort, e.g. low, medium, high (CLI-specific)."),
  task_category: TaskCategorySchema.optional().describe(
    `Kind of task; picks provider, model and effort from the routing table, with failover. ${Object.entries(CATEGORY_DESCRIPTIONS).map(([k, v]) => `${k}: ${v}`).join("; ")}.`,
  ),
  branch: BranchSchema.optional().describe("Routing branch: cost_efficiency (default) or performance."),
  cwd: z.string().min(1).optional().describe("Existing directory the sub-agent works in (default: the server's)."),
  system_prompt_append: z.string().optional().describe("Text appended to the sub-agent's system prompt."),
  allowed_tools: z.array(z.string().min(1)).optional().describe("Tools the sub-agent may use without asking."),
  permission_mode: z.string().min(1).optional().describe("default, acceptEdits, bypassPermissions or plan (mapped per CLI)."),
  label: z.string().max(200).optional().describe("A short name to recognise the agent by."),
};

const CandidateOut = z.object({ provider: ProviderSchema, model: z.string(), effort: z.string().optional() });

export const LaunchAgentOutput = {
  agent_id: z.string(),
  category: z.string().optional(),
  branch: z.string(),
  candidate: CandidateOut,
  fallbacks: z.array(CandidateOut),
  skipped: z.array(z.object({ provider: ProviderSchema, reason: z.string() })),
  status: StatusSchema,
  provider: ProviderSchema,
  model: z.string().optional(),
  effort: z.string().optional(),
  session_id: z.string().optional(),
  queue_position: z.number().optional(),
};

/** `launch_agent`: starts (or queues) a sub-agent and returns at once; never waits for its turn. */
export function registerLaunchAgentTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "launch_agent",
    {
      title: "Launch a sub-agent",
      description:
        "Start a sub-agent session on Claude Code, Codex or Gemini CLI with a first prompt. Returns at once with its agent_id (status processing, or queued when the provider is at its concurrency cap). Then use wait, poll_agent, send_message.",
      inputSchema: LaunchAgentInput,
      outputSchema: LaunchAgentOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args) =>
      guard(() => {
        if (deps.depth >= deps.maxDepth) {
          throw new ServerError("NESTING_TOO_DEEP", `sub-agents may nest ${deps.maxDepth} levels deep and this server is at depth ${deps.depth}; do the work here instead of launching another agent`);
        }
        const route = selectCandidates({
          ...(args.task_category === undefined ? {} : { category: args.task_category }),
          ...(args.provider === undefined ? {} : { provider: args.provider }),
          ...(args.model === undefined ? {} : { model: args.model }),
          ...(args.effort === undefined ? {} : { effort: args.effort }),
          branch: args.branch ?? deps.routing.branch,
          table: deps.routing.table,
          installed: deps.routing.installed,
        });
        const [chosen, ...fallbacks] = route.candidates;
        if (chosen === undefined) throw new ServerError("INVALID_ARGUMENT", "routing found no candidate");
        const cwd = checkCwd(args.cwd, deps.defaultCwd);
        const view = deps.supervisor.launch({
          provider: chosen.provider,
          prompt: args.prompt,
          cwd,
          model: chosen.model,
          ...(chosen.effort === undefined ? {} : { effort: chosen.effort }),
          fallbacks,
          ...(args.system_prompt_append === undefined ? {} : { systemPromptAppend: args.system_prompt_append }),
          ...(args.allowed_tools === undefined ? {} : { allowedTools: args.allowed_tools }),
          ...(args.permission_mode === undefined ? {} : { permissionMode: args.permission_mode }),
          ...(args.label === undefined ? {} : { label: args.label }),
          env: { [DEPTH_ENV]: String(deps.depth + 1) },
        });
        const out = {
          agent_id: view.id,
          ...(route.category === undefined ? {} : { category: route.category }),
          branch: route.branch,
          candidate: chosen,
          fallbacks,
          skipped: route.skipped,
          status: view.status,
          provider: view.provider,
          ...(view.model === undefined ? {} : { model: view.model }),
          ...(view.effort === undefined ? {} : { effort: view.effort }),
          ...(view.sessionId === undefined ? {} : { session_id: view.sessionId }),
          ...(view.queuePosition === undefined ? {} : { queue_position: view.queuePosition }),
        };
        const where = view.status === "queued" ? `queued at position ${String(view.queuePosition)}` : view.status;
        const via = route.category === undefined ? "" : ` for ${route.category} (${route.branch})`;
        return ok(out, `Launched agent ${view.id} on ${describeCandidate(chosen)}${via} (${where}); ${fallbacks.length} fallback candidate(s).`);
      }),
  );
}

function checkCwd(cwd: string | undefined, fallback: string): string {
  if (cwd === undefined) return fallback;
  const path = isAbsolute(cwd) ? cwd : resolve(fallback, cwd);
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new ServerError("INVALID_ARGUMENT", `cwd must be an existing directory: ${path} is not one`);
  return path;
}
