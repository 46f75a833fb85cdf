import { homedir } from "node:os";
import { basename, resolve } from "node:path";
import { stateDir } from "@subagent-mcp/hooks";
import { Drafts, instructionFiles, planInstructions } from "@subagent-mcp/host-config";
import { defineCommand } from "citty";
import { applyPlanned, refusing, type Planned } from "./apply.js";
import { lineDiff } from "./diff.js";
import { fail } from "./fail.js";

/** `subagent-mcp init`: upserts the managed instructions block into AGENTS.md, CLAUDE.md and GEMINI.md. */
export const initCommand = defineCommand({
  meta: { name: "init", description: "Put the subagent-mcp usage instructions (a managed block) into AGENTS.md, CLAUDE.md and GEMINI.md." },
  args: {
    root: { type: "string", description: "Project directory (default: the current one)" },
    global: { type: "boolean", description: "The user-level files instead: ~/.claude/CLAUDE.md, ~/.codex/AGENTS.md, ~/.gemini/GEMINI.md" },
    files: { type: "string", description: "Only these file names, comma-separated (e.g. AGENTS.md,CLAUDE.md)" },
    remove: { type: "boolean", description: "Take the block out instead" },
    "dry-run": { type: "boolean", description: "Show the exact changes and write nothing" },
    force: { type: "boolean", description: "Write even files whose block is already current, and files you made read-only (their mode is kept)" },
  },
  run({ args }) {
    if (args.global && args.root !== undefined) fail("give --root DIR or --global, not both");
    const ctx = { home: process.env.HOME ?? homedir(), env: process.env };
    const all = args.global ? instructionFiles({ global: true, ctx }) : instructionFiles({ root: resolve(args.root ?? process.cwd()) });
    const wanted = args.files
      ?.split(",")
      .map((f) => f.trim())
      .filter(Boolean);
    const paths = wanted === undefined ? all : all.filter((p) => wanted.includes(basename(p)));
    if (paths.length === 0) fail(`--files matched none of ${all.map((p) => basename(p)).join(", ")}`);
    const planned: Planned[] = [];
    const drafts = new Drafts(); // CLAUDE.md is often a symlink to AGENTS.md
    for (const path of paths) {
      const change = refusing(() => planInstructions(path, args.remove, drafts));
      if (change.before === null && args.remove) continue;
      if (change.before === change.after && !args.force) {
        process.stdout.write(`${path}: unchanged\n`);
        continue;
      }
      if (args["dry-run"]) {
        process.stdout.write(`${lineDiff(path, change.before, change.after)}\n`);
        continue;
      }
      planned.push({
        change,
        record: args.remove ? undefined : { kind: "instructions", ...change },
        done: () => `${path}: ${args.remove ? "block removed" : "block written"}`,
      });
    }
    applyPlanned(planned, stateDir(ctx), args.force === true);
  },
});
