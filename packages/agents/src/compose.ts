import { readFileSync, realpathSync } from "node:fs";
import { join, sep } from "node:path";
import { SafeName } from "@subagent-mcp/core";
import { expertiseDirs, skillDirs, type SearchContext } from "./dirs.js";
import { AgentsError } from "./errors.js";
import { normalizeText, splitFrontmatter } from "./parse.js";
import type { AgentDefinition } from "./schema.js";

// Reads `<dir>/<relative>` only if its real path (symlinks followed) stays inside `dir`.
function readInside(dir: string, relative: string[]): string | undefined {
  let root: string;
  let real: string;
  try {
    root = realpathSync(dir);
    real = realpathSync(join(dir, ...relative));
  } catch {
    return undefined;
  }
  if (!real.startsWith(root + sep)) throw new AgentsError("UNSAFE_NAME", `${join(dir, ...relative)} resolves outside ${dir}`);
  return readFileSync(real, "utf8");
}

function checkName(kind: string, name: string, file: string): void {
  if (!SafeName.safeParse(name).success) throw new AgentsError("UNSAFE_NAME", `${file}: ${kind} name "${name}" is not a plain name`);
}

/** The text of a skill (`<dir>/<name>/SKILL.md`, its own frontmatter removed). */
function readSkill(name: string, ctx: SearchContext, from: string): string {
  checkName("skill", name, from);
  const tried: string[] = [];
  for (const dir of skillDirs(ctx)) {
    const text = readInside(dir, [name, "SKILL.md"]);
    if (text !== undefined) {
      const normal = normalizeText(text);
      return (splitFrontmatter(normal)?.body ?? normal).trim();
    }
    tried.push(join(dir, name, "SKILL.md"));
  }
  throw new AgentsError("SKILL_NOT_FOUND", `${from}: skill "${name}" not found (tried ${tried.join(", ")})`);
}

/** The text of an expertise file (`<dir>/<name>.md`). */
function readExpertise(name: string, ctx: SearchContext, from: string): string {
  checkName("expertise", name, from);
  const tried: string[] = [];
  for (const dir of expertiseDirs(ctx)) {
    const text = readInside(dir, [`${name}.md`]);
    if (text !== undefined) return normalizeText(text).trim();
    tried.push(join(dir, `${name}.md`));
  }
  throw new AgentsError("EXPERTISE_NOT_FOUND", `${from}: expertise "${name}" not found (tried ${tried.join(", ")})`);
}

/**
 * The agent's system prompt: its body, then each skill, then each expertise, in declared order.
 * Byte-stable (no timestamps, paths or other per-spawn data), so provider prompt caches hit.
 */
export function composeSystemPrompt(definition: AgentDefinition, ctx: SearchContext): string {
  const sections = [definition.body];
  for (const skill of definition.skills) sections.push(`## Skill: ${skill}\n\n${readSkill(skill, ctx, definition.file)}`);
  for (const topic of definition.expertise) sections.push(`## Expertise: ${topic}\n\n${readExpertise(topic, ctx, definition.file)}`);
  return `${sections.filter(Boolean).join("\n\n")}\n`;
}
