import { listWorktrees, pruneWorktrees, type ListedWorktree } from "@subagent-mcp/worktrees";
import { defineCommand } from "citty";
import { cliContext } from "../context.js";
import { fail } from "../fail.js";

// The worktrees our agents were given (recorded under the state dir), and the clean-up of those
// whose agents are gone. Nothing else on disk is ever touched.

function stateOf(w: ListedWorktree): string {
  if (w.missing) return "missing";
  if (w.live) return "in use";
  return w.unmerged ? "holds unmerged work" : "no unmerged work";
}

function line(w: ListedWorktree): string {
  const s = w.status;
  const counts = s === undefined ? "" : `  ${s.changed_files} changed, ${s.uncommitted} uncommitted, ${s.ahead} ahead`;
  const owner = w.record.owner.label ?? w.record.owner.agent_id ?? "";
  return `${w.record.branch}  [${stateOf(w)}]${counts}\n    ${w.record.path}\n    repo ${w.record.repo}, from ${w.record.base}${owner === "" ? "" : `, agent ${owner}`}`;
}

/** `subagent-mcp worktrees [prune]`: list our agents' worktrees, or remove those whose agents are gone. */
export const worktreesCommand = defineCommand({
  meta: {
    name: "worktrees",
    description: "List the git worktrees of agents (isolation: worktree); prune those whose agent is gone and hold no unmerged work.",
  },
  args: {
    action: { type: "positional", description: "prune (none: list)", required: false },
    force: { type: "boolean", description: "prune: also remove worktrees and branches that hold unmerged work (listed first)" },
    "dry-run": { type: "boolean", description: "prune: say what would be removed, remove nothing" },
    json: { type: "boolean", description: "Output JSON" },
  },
  async run({ args }) {
    const ctx = cliContext();
    const out = (text: string): void => {
      process.stdout.write(`${text}\n`);
    };
    if (args.action === undefined) {
      const listed = await listWorktrees(ctx.stateDir);
      if (args.json) out(JSON.stringify(listed, null, 2));
      else out(listed.length === 0 ? "No worktrees." : listed.map(line).join("\n"));
      return;
    }
    if (args.action !== "prune") fail(`worktrees: unknown action "${args.action}" (expected prune, or nothing to list)`);
    const dryRun = args["dry-run"] === true;
    if (args.force === true && !args.json) {
      // What --force destroys is shown before it goes.
      const doomed = (await listWorktrees(ctx.stateDir)).filter((w) => !w.live && w.unmerged);
      if (doomed.length > 0) out(`${dryRun ? "Would remove" : "Removing"}, with their unmerged work:\n${doomed.map(line).join("\n")}`);
    }
    const result = await pruneWorktrees(ctx.stateDir, { force: args.force === true, dryRun });
    if (args.json) {
      out(JSON.stringify(result, null, 2));
      return;
    }
    const verb = dryRun ? "would remove" : "removed";
    for (const r of result.removed) out(`${verb} ${r.branch} (${r.path})`);
    for (const k of result.kept) out(`kept ${k.record.branch}: ${k.reason}`);
    // Commits that only a removed worktree or branch held stay reachable under a ref of ours.
    for (const ref of result.keptRefs) out(`commits no branch holds were kept at ${ref} (git log ${ref}; git update-ref -d ${ref} to drop them)`);
    if (result.removed.length === 0 && result.kept.length === 0) out("No worktrees.");
  },
});
