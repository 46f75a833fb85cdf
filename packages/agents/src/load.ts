import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { definitionSources, type SearchContext } from "./dirs.js";
import type { LoadIssue } from "./errors.js";
import { parseDefinition } from "./parse.js";
import type { LoadedDefinition } from "./schema.js";
import { errorMessage } from "@subagent-mcp/errors";

/** Every definition found, with the problems met on the way (never thrown). */
export interface LoadResult {
  definitions: LoadedDefinition[];
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

/** Loads agent definitions from every directory of {@link definitionSources}, in precedence order. */
export function loadAgentDefinitions(ctx: SearchContext): LoadResult {
  const found = new Map<string, LoadedDefinition>();
  const warnings: LoadIssue[] = [];
  const errors: LoadIssue[] = [];
  for (const { dir, scope } of definitionSources(ctx)) {
    const inThisDir = new Map<string, string>();
    for (const name of markdownFiles(dir)) {
      const file = join(dir, name);
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (error) {
        errors.push({ file, message: `cannot read: ${errorMessage(error)}` });
        continue;
      }
      const parsed = parseDefinition(file, bytes.toString("utf8"));
      warnings.push(...parsed.warnings);
      errors.push(...parsed.errors);
      const def = parsed.definition;
      if (def === undefined) continue;
      const twin = inThisDir.get(def.name);
      if (twin !== undefined) {
        errors.push({ file, agent: def.name, message: `agent "${def.name}" is also defined in ${twin}; names must be unique in a directory` });
        continue;
      }
      inThisDir.set(def.name, file);
      const winner = found.get(def.name);
      if (winner !== undefined) {
        warnings.push({ file, agent: def.name, message: `agent "${def.name}" is shadowed by ${winner.file}` });
        continue;
      }
      // The digest of the very bytes parsed, so a trust granted to a file's content can be checked.
      found.set(def.name, { ...def, scope, sha256: createHash("sha256").update(bytes).digest("hex") });
    }
  }
  return { definitions: [...found.values()], warnings, errors };
}
