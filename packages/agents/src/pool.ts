// The pool's agent definitions: the files loaded (load.ts), each held to the project's trust as the config's policy says.
import { basename } from "node:path";
import { PermissionRulesSchema, type PermissionRules } from "@subagent-mcp/permissions";
import { ConfigError, definitionPrivileges, trustCommand, TrustStore, untrustedReason, type DefinitionSet, type PoolDefinition } from "@subagent-mcp/config";
import { TaskCategorySchema, type TaskCategory } from "@subagent-mcp/routing";
import { errorMessage } from "@subagent-mcp/errors";
import { needsTrust, type Escalate } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";
import { composeSystemPrompt } from "./compose.js";
import type { SearchContext } from "./dirs.js";
import { formatIssue } from "./errors.js";
import { loadAgentDefinitions } from "./load.js";
import type { LoadedDefinition } from "./schema.js";

/**
 * Pool definitions from the agent files (project, user, SUBAGENT_MCP_AGENTS_PATH), read on each call.
 * A project's own definition that grants more than an untrusted project may (see
 * {@link definitionPrivileges}) is left out, with the reason, until the user trusts the project.
 */
export function agentDefinitionSource(ctx: SearchContext, options: { trust?: TrustStore } = {}): () => DefinitionSet {
  const trust = options.trust ?? TrustStore.fromEnv(ctx.env);
  return () => {
    const loaded = loadAgentDefinitions(ctx);
    const problems = [...loaded.errors, ...loaded.warnings].map(formatIssue);
    const unusable: Record<string, string[]> = {};
    const refuse = (agent: string, problem: string): void => {
      (unusable[agent] ??= []).push(problem);
    };
    // A file that failed to load names its agent if it got that far, else by Claude Code's convention its file name.
    for (const issue of loaded.errors) refuse(issue.agent ?? basename(issue.file, ".md"), formatIssue(issue));
    const definitions: PoolDefinition[] = [];
    for (const d of loaded.definitions) {
      const untrusted = untrustedGrant(d, ctx.cwd, trust);
      if (untrusted !== undefined) {
        problems.push(untrusted);
        refuse(d.name, untrusted);
        continue;
      }
      try {
        definitions.push({
          name: d.name,
          description: d.description,
          file: d.file,
          provider: d.provider,
          model: d.model,
          effort: d.effort,
          allowedTools: d.allowedTools,
          permissionMode: d.permissionMode,
          permissions: rulesOf(d),
          replicas: d.replicas,
          maxTurnsPerProcess: d.maxTurnsPerProcess,
          systemPrompt: composeSystemPrompt(d, ctx),
          ...definedFields({
            isolation: d.isolation,
            base: d.base,
            budget: d.budget,
            machine: d.machine,
            cwd: d.cwd,
            mcpServers: d.mcpServers,
            review: d.review,
          }),
          ...escalationOf(d, ctx.cwd, trust),
        });
      } catch (error) {
        problems.push(errorMessage(error));
        refuse(d.name, errorMessage(error));
      }
    }
    return { definitions, problems, unusable };
  };
}

// The problem with a project definition's grants when the project is not trusted with this file's content.
function untrustedGrant(d: LoadedDefinition, cwd: string, trust: TrustStore): string | undefined {
  if (d.scope !== "project") return undefined;
  const grants = definitionPrivileges(d);
  if (grants.length === 0) return undefined;
  const status = trust.status(cwd, d.file, d.sha256);
  if (status === "trusted") return undefined;
  return `${d.file}: ${grants.join(" and ")} in a project's definition need your trust, and ${untrustedReason(status)}; review the file, then run: ${trustCommand(cwd)}`;
}

// The definition's rules, each parsed now so a typo names its file instead of failing a task later.
function rulesOf(d: LoadedDefinition): PermissionRules | undefined {
  if (d.permissions === undefined) return undefined;
  const parsed = PermissionRulesSchema.safeParse(d.permissions);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `permissions.${i.path.join(".")}: ${i.message}`).join("; ");
  throw new ConfigError("CONFIG_INVALID", `${d.file}: ${issues}`);
}

/**
 * The definition's escalation and category. A check is a shell command run with the user's rights
 * after each task: from a project's definition it runs only once the user trusted the file (as
 * `permission_mode bypassPermissions` there needs trust); until then the task escalates on errors
 * only, said once on stderr.
 */
function escalationOf(d: LoadedDefinition, cwd: string, trust: TrustStore): { escalate?: Escalate; category?: TaskCategory } {
  let category: TaskCategory | undefined;
  if (d.category !== undefined) {
    const parsed = TaskCategorySchema.safeParse(d.category);
    if (!parsed.success)
      throw new ConfigError("CONFIG_INVALID", `${d.file}: category: unknown task category "${d.category}"; one of ${TaskCategorySchema.options.join(", ")}`);
    category = parsed.data;
  }
  const out = category === undefined ? {} : { category };
  const escalate = d.escalate;
  if (escalate === undefined) return out;
  if (!needsTrust("escalate", escalate) || d.scope !== "project") return { ...out, escalate };
  const status = trust.status(cwd, d.file, d.sha256);
  if (status === "trusted") return { ...out, escalate };
  sayOnce(
    `subagent-mcp: ${d.file} (pool agent "${d.name}") sets escalate.check (${escalate.check}); a project's check runs only once you trust it, and ${untrustedReason(status)}, so its tasks escalate on errors only. Review the file, then run: ${trustCommand(cwd)}`,
  );
  // Without its check, what does not run a command of the project's stands: escalating on a suspect receipt or a review.
  const on = escalate.on === "suspect" || escalate.on === "review" ? escalate.on : "error";
  return { ...out, escalate: { on, ...definedFields({ max_steps: escalate.max_steps }) } };
}

// Each distinct notice once per process: the definitions are read again on every pool call.
const said = new Set<string>();
function sayOnce(line: string): void {
  if (said.has(line)) return;
  said.add(line);
  process.stderr.write(`${line}\n`);
}
