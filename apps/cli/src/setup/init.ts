import { homedir } from "node:os";
import { basename, relative, resolve } from "node:path";
import { stateDir } from "@subagent-mcp/state";
import { Drafts, EDITORS, editorInstructionFile, instructionFiles, planInstructions } from "@subagent-mcp/hosts";
import { defineCommand } from "citty";
import { applyPlanned, refusing, type Planned } from "./apply.js";
import { lineDiff } from "./diff.js";
import { fail } from "../fail.js";

/** The files init works on: the hosts' instruction files, plus the editors' asked for; `--files` keeps those it names. */
function initTargets(args: { root?: string; global?: boolean; files?: string; copilot?: boolean; cursor?: boolean }): string[] {
  const editors = EDITORS.filter((e) => args[e] === true);
  if (args.global && args.root !== undefined) fail("give --root DIR or --global, not both");
  if (args.global && editors.length > 0)
    fail(`--${editors.join(" and --")} ${editors.length > 1 ? "write project files" : "writes a project file"}: use --root DIR (or neither), not --global`);
  const ctx = { home: process.env.HOME ?? homedir(), env: process.env };
  const root = resolve(args.root ?? process.cwd());
  const all = args.global ? instructionFiles({ global: true, ctx }) : [...instructionFiles({ root }), ...editors.map((e) => editorInstructionFile(e, root))];
  const wanted = args.files
    ?.split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  if (wanted === undefined) return all;
  // A file is named by its name or, in a project, its path from the root (.github/copilot-instructions.md).
  const paths = all.filter((p) => wanted.includes(basename(p)) || (!args.global && wanted.includes(relative(root, p))));
  if (paths.length === 0) fail(`--files matched none of ${all.map((p) => basename(p)).join(", ")}`);
  return paths;
}

/** `subagent-mcp init`: upserts the managed instructions block into AGENTS.md, CLAUDE.md and GEMINI.md (and Copilot's and Cursor's files on request). */
export const initCommand = defineCommand({
  meta: {
    name: "init",
    description:
      "Put the subagent-mcp usage instructions (a managed block) into AGENTS.md, CLAUDE.md and GEMINI.md (--copilot, --cursor: also GitHub Copilot's and Cursor's).",
  },
  args: {
    root: { type: "string", description: "Project directory (default: the current one)" },
    global: {
      type: "boolean",
      description: "The user-level files instead: ~/.claude/CLAUDE.md, ~/.codex/AGENTS.md, ~/.gemini/GEMINI.md, ~/.qwen/QWEN.md, ~/.config/opencode/AGENTS.md",
    },
    copilot: { type: "boolean", description: "Also .github/copilot-instructions.md (GitHub Copilot)" },
    cursor: { type: "boolean", description: "Also .cursor/rules/subagent-mcp.mdc (a Cursor project rule, always applied)" },
    files: { type: "string", description: "Only these file names, comma-separated (e.g. AGENTS.md,CLAUDE.md,copilot-instructions.md)" },
    remove: { type: "boolean", description: "Take the block out instead" },
    "dry-run": { type: "boolean", description: "Show the exact changes and write nothing" },
    force: { type: "boolean", description: "Write even files whose block is already current, and files you made read-only (their mode is kept)" },
  },
  run({ args }) {
    const ctx = { home: process.env.HOME ?? homedir(), env: process.env };
    const planned: Planned[] = [];
    const drafts = new Drafts(); // CLAUDE.md is often a symlink to AGENTS.md
    for (const path of initTargets(args)) {
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
