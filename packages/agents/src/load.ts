import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { definitionDirs, type SearchContext } from "./dirs.js";
import type { LoadIssue } from "./errors.js";
import { parseDefinition } from "./parse.js";
import type { AgentDefinition } from "./schema.js";

/** Every definition found, with the problems met on the way (never thrown). */
export interface LoadResult {
  definitions: AgentDefinition[];
  warnings: LoadIssue[];
  errors: LoadIssue[];
}

function markdownFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith(".md"))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** Loads agent definitions from every directory of {@link definitionDirs}, in precedence order. */
export function loadAgentDefinitions(ctx: SearchContext): LoadResult {
  const found = new Map<string, AgentDefinition>();
  const warnings: LoadIssue[] = [];
  const errors: LoadIssue[] = [];
  for (const dir of definitionDirs(ctx)) {
    const inThisDir = new Map<string, string>();
    for (const name of markdownFiles(dir)) {
      const file = join(dir, name);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (error) {
        errors.push({ file, message: `cannot read: ${(error as Error).message}` });
        continue;
      }
      const parsed = parseDefinition(file, text);
      warnings.push(...parsed.warnings);
      errors.push(...parsed.errors);
      const def = parsed.definition;
      if (def === undefined) continue;
      const twin = inThisDir.get(def.name);
      if (twin !== undefined) {
        errors.push({ file, message: `agent "${def.name}" is also defined in ${twin}; names must be unique in a directory` });
        continue;
      }
      inThisDir.set(def.name, file);
      const winner = found.get(def.name);
      if (winner !== undefined) {
        warnings.push({ file, message: `agent "${def.name}" is shadowed by ${winner.file}` });
        continue;
      }
      found.set(def.name, def);
    }
  }
  return { definitions: [...found.values()], warnings, errors };
}
