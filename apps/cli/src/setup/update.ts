import { existsSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stateDir } from "@subagent-mcp/state";
import { Drafts, readRecord, removeOurs, replan, writeRecord } from "@subagent-mcp/hosts";
import { pluginCovers } from "./setup-plugin.js";
import { defineCommand } from "citty";
import { execa } from "execa";
import { applyPlanned, forceArg, refusing, type Planned } from "./apply.js";
import { lineDiff } from "./diff.js";
import { hookCommandFor, serverLaunch } from "./setup.js";

/** How this copy of subagent-mcp was installed, and the command that upgrades it. */
export function upgradeCommand(mainPath: string): { manager: string; argv: string[] } | { manager: "source"; argv: [] } {
  // A workspace checkout (this very repository) is upgraded with git, not a package manager.
  if (existsSync(join(dirname(mainPath), "..", "..", "..", "pnpm-workspace.yaml"))) return { manager: "source", argv: [] };
  if (mainPath.includes("/pnpm/") || mainPath.includes("/.pnpm/")) return { manager: "pnpm", argv: ["pnpm", "add", "-g", "subagent-mcp@latest"] };
  if (mainPath.includes("/.bun/")) return { manager: "bun", argv: ["bun", "add", "-g", "subagent-mcp@latest"] };
  if (mainPath.includes("/.yarn/") || mainPath.includes("/yarn/global/")) return { manager: "yarn", argv: ["yarn", "global", "add", "subagent-mcp@latest"] };
  return { manager: "npm", argv: ["npm", "install", "-g", "subagent-mcp@latest"] };
}

/** `subagent-mcp update`: upgrades the package, then re-applies what setup and init recorded. */
export const updateCommand = defineCommand({
  meta: { name: "update", description: "Upgrade subagent-mcp with the package manager that installed it, then re-apply what setup and init wrote." },
  args: { "dry-run": { type: "boolean", description: "Show what would run and change, and do nothing" }, force: forceArg },
  async run({ args }) {
    const ctx = { home: process.env.HOME ?? homedir(), env: process.env };
    const main = realpathSync(fileURLToPath(new URL("./main.js", import.meta.url)));
    const upgrade = upgradeCommand(main);
    if (upgrade.manager === "source") process.stdout.write("running from a source checkout: update it with git pull && pnpm install && pnpm build\n");
    else if (args["dry-run"]) process.stdout.write(`would run: ${upgrade.argv.join(" ")}\n`);
    else {
      const [cmd, ...rest] = upgrade.argv as [string, ...string[]];
      const result = await execa(cmd, rest, { stdio: ["ignore", "inherit", "inherit"], reject: false });
      if (result.exitCode !== 0) {
        process.stderr.write(`subagent-mcp: ${upgrade.argv.join(" ")} failed (exit ${String(result.exitCode)}); nothing re-applied\n`);
        process.exitCode = 1;
        return;
      }
    }
    // Re-apply with the (possibly new) install location; the record keeps the user's original bytes.
    const dir = stateDir(ctx);
    const launch = serverLaunch();
    const install = { launch, hookCommand: hookCommandFor(launch) };
    const planned: Planned[] = [];
    const drafts = new Drafts(); // Codex and Gemini CLI keep server and hooks in one file
    // A file edited since we last wrote it: its original is now the edited text without our part,
    // or a later uninstall (which restores the original of a file it finds as we left it) would drop the edit.
    const rebased = new Map<string, string | null>();
    const leftToPlugin = new Set<string>();
    for (const old of refusing(() => readRecord(dir))) {
      // A part the host's plugin now provides is not written again (setup takes the earlier one out).
      if (old.host !== undefined && old.kind !== "instructions" && pluginCovers(old.host, ctx).covers.includes(old.kind)) {
        leftToPlugin.add(old.host);
        continue;
      }
      const next = refusing(() => replan(old, ctx, install, drafts));
      if (next === undefined || next.before === next.after) continue;
      if (next.before !== old.after && next.before !== null) rebased.set(`${old.kind}:${old.path}`, removeOurs(old)(next.before));
      if (args["dry-run"]) process.stdout.write(`${lineDiff(next.path, next.before, next.after)}\n`);
      else planned.push({ change: next, record: { ...old, after: next.after }, done: () => `${next.path}: re-applied` });
    }
    applyPlanned(planned, dir, args.force === true);
    for (const host of leftToPlugin)
      process.stdout.write(`${host}: installed as its plugin, so not re-applied; \`subagent-mcp setup\` takes out what setup wrote earlier\n`);
    if (rebased.size > 0 && !args["dry-run"]) {
      const all = readRecord(dir);
      for (const change of all) {
        const before = rebased.get(`${change.kind}:${change.path}`);
        if (before !== undefined) change.before = before;
      }
      writeRecord(dir, all);
    }
    if (planned.length === 0 && !args["dry-run"]) process.stdout.write("setup and init entries are current\n");
  },
});
