// The life of a launch, after its tool checked the call's shape: depth, sandbox, grants, provider,
// routing and its ranking under budgets and spend caps, the escalation, the user's MCP servers and
// rules, the id's claim; then placement, messaging, worktree, the supervisor's launch and the answer.
// Each step is a module of this folder; this file is their order.
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { callTrace } from "../answers/call-trace.js";
import { ok } from "../answers/result.js";
import { type Grant, type PermissionRules } from "@subagent-mcp/permissions";
import { checkOf, launchOptionIssues, definedFields } from "@subagent-mcp/contract";
import { rankCandidates, selectCandidates } from "@subagent-mcp/routing";
import { escalationFor, rankInputs, refuseHeld } from "./routing-choice.js";
import { holdToCaps, reservePlaced } from "@subagent-mcp/budgets";
import type { Runtime } from "../runtime/runtime.js";
import { ServerError } from "../errors.js";
import { checkDepth } from "../nesting/depth.js";
import { childEnv } from "@subagent-mcp/config";
import { tighter } from "@subagent-mcp/budgets";
import { checkCommandLineText } from "./input-limits.js";
import type { ToolDeps } from "../deps.js";
import { asking, grant, judgeCheck, mergeRules } from "@subagent-mcp/permissions";
import { launchAnswer } from "./launch-answer.js";
import { placeCandidates } from "./placement.js";
import { delegateTurn } from "../tasks/delegate-turn.js";
import type { CallContext } from "../tasks/serve.js";
import { hostOfClient, journaledServers, passedServers, type PassedServers } from "./passed-servers.js";
import {
  budgetOf,
  checkCwd,
  CHILD_SERVER,
  childMessaging,
  handServers,
  isEmpty,
  isolate,
  launchOrAbandon,
  nestingEnv,
  optional,
  remoteCwd,
  scopeOf,
  ownEntryFor,
} from "./launch-steps.js";
import { hostCwd } from "./host-cwd.js";
import type { LaunchAgentInput } from "../tools/launch-agent.js";
import type { LaunchRequest } from "@subagent-mcp/core";

export type LaunchArgs = z.infer<z.ZodObject<typeof LaunchAgentInput>>;
type Extra = CallContext & { _meta?: Record<string, unknown> };

// Checks, routing and the id's claim; a launch refused after its claim gives the id back.
export async function launchAgent(deps: ToolDeps, asked: LaunchArgs, extra: Extra) {
  // No cwd: the host session's folder where the call tells it (Codex), else the server's.
  const fromHost = asked.cwd === undefined && asked.machine === undefined ? hostCwd(extra._meta) : undefined;
  const args = fromHost === undefined ? asked : { ...asked, cwd: fromHost };
  checkDepth(deps);
  // `sandbox: "required"` and no OS sandbox here: nothing starts (one on another machine is its node's).
  if (args.machine === undefined) deps.sandbox?.assertUsable();
  checkCommandLineText("launch_agent", args.allowed_tools, args.permissions);
  const granted = grant({ mode: args.permission_mode, tools: args.allowed_tools }, deps.ceiling, "launch_agent");
  // Allow rules grant without asking, as allowed tools do: a nested server gives no more than it was given.
  if (args.permissions?.allow !== undefined) grant({ tools: args.permissions.allow }, deps.ceiling, "launch_agent permissions.allow");
  // The first launch also loads the drivers and, for messaging sub-agents, starts their endpoint.
  // An explicit provider must exist: routing would otherwise quietly fall over to another.
  const runtime = await deps.runtime();
  const { supervisor, journal, budgets, spendCaps: watch } = runtime;
  // A project's provider left out for want of trust says so, and how to grant it.
  const withheld = args.provider === undefined || supervisor.providers().includes(args.provider) ? undefined : deps.withheldProviders?.[args.provider];
  if (withheld !== undefined) throw new ServerError("INVALID_ARGUMENT", `provider "${args.provider ?? ""}" is not trusted: ${withheld}`);
  if (args.provider !== undefined && !supervisor.providers().includes(args.provider))
    throw new ServerError("INVALID_ARGUMENT", `unknown provider "${args.provider}"; the configured providers are ${supervisor.providers().join(", ")}`);
  const route = selectCandidates({
    ...definedFields({ category: args.task_category, provider: args.provider, model: args.model, effort: args.effort }),
    branch: args.branch ?? deps.routingBranch,
    table: deps.routingTable,
    installed: deps.installed,
  });
  // A category's escalation and MCP servers unless the launch names its own.
  const escalate = args.escalate ?? (route.category === undefined ? undefined : deps.routingTable[route.category].escalate);
  const servers = args.mcp_servers ?? (args.task_category === undefined ? undefined : deps.routingTable[args.task_category].mcp_servers);
  const review = args.review ?? (route.category === undefined ? undefined : deps.routingTable[route.category].review);
  // The launch options' rules, as a definition and a routing entry are held to them: what it asks with what its category adds.
  const broken = launchOptionIssues({ ...args, escalate, review, mcp_servers: servers });
  if (broken.length > 0) throw new ServerError("INVALID_ARGUMENT", broken.map((i) => i.message).join("; "));
  // Price, headroom and the budget order the candidates: the launch's own budget over the config's, and the shared ones.
  const inputs = rankInputs(deps, runtime, route.category, [budgetOf(deps.budget, args.budget).budget]);
  // A candidate a spend cap holds is left out; none left, or the named provider held, refuses the launch naming the cap.
  // A server just started counts the fleet's turns from before it (a Redis that is down holds it up a second at most).
  await watch?.ready();
  const ranking = holdToCaps(watch, rankCandidates(route, { provider: args.provider }, inputs), args.provider, (c) => inputs.expectedCost(c)?.usd);
  refuseHeld(ranking);
  const check = checkOf(escalate);
  // The MCP servers are this machine's (its configs, its processes): an unknown name is this call's error.
  // (A cwd on another machine is that machine's to check: only a launch with servers reads it here.)
  const passed = await passedServers(servers, () => checkCwd(args.cwd, deps.defaultCwd), CHILD_SERVER, hostOfClient(deps.clientName()), {
    what: "launch_agent mcp_servers",
    rules: deps.permissions,
    ceiling: deps.ceiling,
  });
  // Their tools are granted as allowed tools are: a nested server gives no more than it was given.
  if (passed.allow.length > 0) grant({ tools: passed.allow }, deps.ceiling, "launch_agent mcp_servers");
  // The config's rules and the launch's own, and the passed servers' tools allowed: deny beats ask beats allow across them.
  const rules = mergeRules(mergeRules(deps.permissions, { allow: passed.allow }), args.permissions);
  // The check runs here with nobody to ask: held to the rules and this server's ceiling before anything starts.
  if (check !== undefined) judgeCheck("launch_agent", check, { rules, ceiling: deps.ceiling, cwd: checkCwd(args.cwd, deps.defaultCwd) });
  // The id's journal directory is claimed first: a journal that cannot be written refuses the launch.
  // The session's and the project's day budgets refuse new agents once spent.
  await budgets?.check();
  // A journal that failed earlier is tried again first: space may have been freed since.
  await journal?.writer.recheck();
  const id = journal?.claim() ?? randomUUID().slice(0, 8);
  // A launch refused from here on gives its id back: no empty journal folder is left.
  let started = false;
  try {
    // A default reviewer is picked among the installed CLIs.
    const reviewing = review === undefined ? undefined : { ...review, among: supervisor.providers().filter((p) => deps.installed(p)) };
    const answer = await startClaimed(deps, runtime, args, extra, { id, route, ranking, inputs, escalate, reviewing, rules, granted, passed });
    started = true;
    return answer;
  } finally {
    if (!started) {
      journal?.unclaim(id);
      // A turn reserved under the spend caps for it is given back: it never ran.
      watch?.releaseFor(id);
    }
  }
}

/** What launchAgent decided before the launch: the claimed id, the route and its ranking, the escalation, the rules and the grant. */
interface Decided {
  id: string;
  route: ReturnType<typeof selectCandidates>;
  ranking: ReturnType<typeof rankCandidates>;
  inputs: ReturnType<typeof rankInputs>;
  escalate: LaunchArgs["escalate"];
  reviewing: LaunchRequest["review"];
  rules: PermissionRules;
  granted: Grant;
  passed: PassedServers;
}

// Places the candidates, readies the sub-agent's messaging and worktree, launches it and answers.
async function startClaimed(deps: ToolDeps, runtime: Runtime, args: LaunchArgs, extra: Extra, d: Decided) {
  const { id, route, ranking, rules, granted } = d;
  const { supervisor, journal, budgets, spendCaps, worktrees } = runtime;
  // Where each candidate runs (here, or a machine of the fleet); an unplaceable first one is skipped or is this call's error.
  // On another machine, its node makes the worktree, named as one here would be.
  const ask = args.isolation === "worktree" ? { name: args.label ?? id, ...optional({ base: args.base, label: args.label }) } : undefined;
  const { placed: all, skipped: unplaced } = await placeCandidates(
    deps,
    ranking.ranked.map((r) => r.candidate),
    {
      machine: args.machine,
      strict: args.provider !== undefined,
      ...definedFields({ worktree: ask }),
      ...(args.outlive === true ? { outlive: true } : {}),
    },
  );
  // Its turn is reserved under the spend caps (until it ends) on the first of them with room.
  const placed = all.slice(reservePlaced(spendCaps, all, args.provider, (c) => d.inputs.expectedCost(c)?.usd, id));
  const [first, ...rest] = placed;
  if (first === undefined) throw new ServerError("INVALID_ARGUMENT", "routing found no candidate");
  const { candidate: chosen, placement } = first;
  if (args.outlive === true && placement === undefined)
    throw new ServerError("INVALID_ARGUMENT", "outlive is for an agent on another machine (with machine): one here always ends with this server");
  const fallbacks = rest.map((p) => ({ ...p.candidate, ...definedFields({ placement: p.placement }) }));
  const escalation = escalationFor(deps, runtime, d.escalate, route, chosen, d.inputs, args.prompt);
  const given = placement === undefined ? checkCwd(args.cwd, deps.defaultCwd) : remoteCwd(args.cwd, deps.defaultCwd);
  // A sub-agent elsewhere cannot reach our loopback messaging endpoint: its node serves its mailbox there.
  const remote = placement !== undefined;
  // A CLI that would start our own entry (setup's) is handed ours by that name: its tools act for it here.
  const own = remote ? undefined : await ownEntryFor([chosen.provider, ...fallbacks.filter((f) => f.placement === undefined).map((f) => f.provider)], given);
  const handed = await handServers(deps, scopeOf(deps, id, granted), own !== undefined, rules, remote);
  const child = childMessaging(deps, id, args.system_prompt_append, granted.tools, handed, remote);
  // The worktree is made before the launch, so that a cwd outside a repository or a bad base is this call's error.
  const isolated = args.isolation === "worktree" && placement === undefined ? await isolate(worktrees, id, given, args.base, args.label) : undefined;
  const cwd = isolated?.cwd ?? given;
  journal?.expect(id, {
    ...definedFields({ category: route.category }),
    ...(isEmpty(rules) ? {} : { permissions: rules }),
    ...(isolated === undefined ? {} : { worktree: { path: isolated.view.path, branch: isolated.view.branch, base: isolated.view.base } }),
    ...(d.passed.shown.length === 0 ? {} : { mcpServers: journaledServers(d.passed) }),
  });
  const { messaging: _messaging, ...childSpec } = child;
  // Under an inherited budget (a nested server's) each agent gets at most what is left of it.
  const budget = budgetOf(deps.budget, args.budget, budgets?.inheritedLeft());
  const mcpServers = [...(childSpec.mcpServers ?? []), ...d.passed.specs];
  const view = launchOrAbandon(supervisor, isolated, {
    ...childSpec,
    ...(mcpServers.length === 0 ? {} : { mcpServers }),
    ...definedFields({ ownEntry: own }),
    ...(isolated === undefined ? {} : { prepare: isolated.prepare }),
    provider: chosen.provider,
    prompt: args.prompt,
    cwd,
    ...callTrace(extra),
    ...definedFields({ placement, model: chosen.model, effort: chosen.effort }),
    fallbacks,
    ...definedFields({
      escalate: escalation,
      review: d.reviewing,
      systemPromptAppend: child.systemPromptAppend,
      allowedTools: child.allowedTools,
      permissionMode: granted.mode,
      label: args.label,
    }),
    ...budget,
    ...asking(args.permission_mode, granted.level, () => rules, cwd, child.allowedTools),
    ...nestingEnv(remote, deps.depth + 1, () => childEnv(deps, granted, child.id, id, tighter(budget.budget, budgets?.left()))),
  });
  const { out, text } = launchAnswer({
    view,
    route,
    chosen,
    fallbacks: rest.map((p) => p.candidate),
    ranking,
    unplaced,
    escalation,
    child,
    isolated,
    worktree: ask !== undefined,
    sandbox: placement === undefined ? deps.sandbox?.status() : undefined,
  });
  const near = budgets?.treeWarnings?.() ?? [];
  const launched = near.length === 0 ? text : `${text}\nNear the budget of the agent tree: ${near.join("; ")}; at 100 % its turns are interrupted.`;
  // A host that takes tasks gets one that ends with the first turn's answer: no wait call.
  delegateTurn(deps, runtime, extra, { agentId: view.id, turn: 1 }, launched);
  return ok(out, launched);
}
