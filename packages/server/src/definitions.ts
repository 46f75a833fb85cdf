import { basename } from "node:path";
import { errorMessage } from "@subagent-mcp/core";
import { PermissionRulesSchema, type PermissionRules } from "@subagent-mcp/permissions";
import { composeSystemPrompt, formatIssue, loadAgentDefinitions, type LoadedDefinition, type SearchContext } from "@subagent-mcp/agents";
import type { DefinitionSet, PoolDefinition } from "./pool-catalog.js";
import { definitionPrivileges, trustCommand, untrustedReason } from "./project-policy.js";
import { ServerError } from "./errors.js";
import { TrustStore } from "./trust.js";

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
          ...(d.isolation === undefined ? {} : { isolation: d.isolation }),
          ...(d.base === undefined ? {} : { base: d.base }),
          ...(d.budget === undefined ? {} : { budget: d.budget }),
          ...(d.machine === undefined ? {} : { machine: d.machine }),
          ...(d.cwd === undefined ? {} : { cwd: d.cwd }),
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
  throw new ServerError("CONFIG_INVALID", `${d.file}: ${issues}`);
}
