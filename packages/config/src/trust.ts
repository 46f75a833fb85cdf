import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { join, relative, resolve, sep } from "node:path";

import { projectDefinitionDirs } from "@subagent-mcp/contract/definition-dirs";
import { stateDir, writePrivate, stateLayout } from "@subagent-mcp/state";
import { z } from "zod";
import { ConfigError } from "./errors.js";
import { providerFiles, providerFilesChanged, type FileDigests, type ProviderEntry } from "./provider-files.js";
import { errorMessage } from "@subagent-mcp/errors";

/** The project config file, relative to the project root. */
export const PROJECT_CONFIG = join(".subagent-mcp", "config.json");

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);

/** One project the user trusts: its real path and the sha256 of each file it vouched for. */
const TrustRecordSchema = z.strictObject({
  root: z.string().min(1),
  /** Path relative to `root` (with `/`) -> sha256 of the content the user trusted. */
  files: z.record(z.string(), Sha256Schema),
  /** Real path -> sha256 of each program the trusted config's `executables` names (what would run). */
  executables: z.record(z.string(), Sha256Schema).optional(),
  /** Per `providers` entry: project-relative path -> sha256 of each project file it runs or names. */
  providers: z.record(z.string(), z.record(z.string(), Sha256Schema)).optional(),
  granted_at: z.string(),
});
export type TrustRecord = z.infer<typeof TrustRecordSchema>;

/** `$XDG_STATE_HOME/subagent-mcp/trust.json`: outside every project, so no repository can trust itself. */
const TrustFileSchema = z.strictObject({ version: z.literal(1), projects: z.array(TrustRecordSchema) });

/** What a file's content is to the user: vouched for as it is, vouched for but edited since, or never. */
export type TrustStatus = "trusted" | "changed" | "untrusted";

export function sha256(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Where trust is recorded: `$XDG_STATE_HOME/subagent-mcp/trust.json` (default `~/.local/state/...`). */
function trustFilePath(env: Record<string, string | undefined>): string {
  // HOME is the user's home (else the OS's account record): every default folder of ours is under it.
  return stateLayout(stateDir({ home: env.HOME ?? homedir(), env })).trust;
}

/** The project's real path: the key of its record, the same however it is reached. */
function projectRoot(dir: string): string {
  try {
    return realpathSync(dir);
  } catch (error) {
    throw new ConfigError("INVALID_ARGUMENT", `${dir}: not a directory (${errorMessage(error)})`);
  }
}

// Relative paths are recorded with `/`, whatever the platform.
function relativeKey(root: string, file: string): string {
  return relative(root, file).split(sep).join("/");
}

/** The project's own MCP server configs a sub-agent may be handed a server from (Claude Code, Gemini CLI, Qwen Code, OpenCode). */
const PROJECT_MCP_FILES = [".mcp.json", join(".gemini", "settings.json"), join(".qwen", "settings.json"), "opencode.json", "opencode.jsonc"];

/** The files `trust` vouches for: the project config, every project agent definition and the project's MCP server configs, relative to `root`. */
export function projectTrustFiles(root: string): string[] {
  const files = [PROJECT_CONFIG, ...PROJECT_MCP_FILES].map((f) => join(root, f)).filter((f) => existsSync(f));
  for (const dir of projectDefinitionDirs(root)) {
    let names: string[];
    try {
      names = readdirSync(dir)
        .filter((n) => n.endsWith(".md"))
        .sort();
    } catch {
      continue;
    }
    files.push(...names.map((n) => join(dir, n)));
  }
  return files.map((f) => relativeKey(root, f));
}

const ExecutablesOnly = z.looseObject({ executables: z.record(z.string(), z.string()).optional() });

const ProvidersOnly = z.looseObject({
  providers: z
    .record(
      z.string(),
      z.looseObject({ command: z.string().optional(), args: z.array(z.string()).optional(), env: z.record(z.string(), z.string()).optional() }),
    )
    .optional(),
});

/** The `providers` entries of the project's config file as it is now (none when it is missing or unreadable). */
export function projectProviders(root: string): Record<string, ProviderEntry> {
  try {
    return ProvidersOnly.parse(JSON.parse(readFileSync(join(root, PROJECT_CONFIG), "utf8"))).providers ?? {};
  } catch {
    return {};
  }
}

/** The programs a project's config names in `executables`, as real paths (relative ones from the project root); missing ones as written. */
export function projectExecutables(root: string, executables?: Record<string, string | undefined>): string[] {
  let named = executables;
  if (named === undefined) {
    try {
      named = ExecutablesOnly.parse(JSON.parse(readFileSync(join(root, PROJECT_CONFIG), "utf8"))).executables;
    } catch {
      named = undefined;
    }
  }
  return [...new Set(Object.values(named ?? {}).flatMap((path) => (path === undefined || path === "" ? [] : [realOrAsIs(resolve(root, path))])))].sort();
}

function realOrAsIs(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function digestOf(path: string): string | undefined {
  try {
    return sha256(readFileSync(path));
  } catch {
    return undefined;
  }
}

/** The user's record of trusted projects. Every read goes to disk: a grant applies on the next check. */
export class TrustStore {
  constructor(readonly path: string) {}

  static fromEnv(env: Record<string, string | undefined>): TrustStore {
    return new TrustStore(trustFilePath(env));
  }

  /** Every trusted project. A missing file is no trust; a damaged one is an error naming the file. */
  records(): TrustRecord[] {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch {
      return [];
    }
    let parsed;
    try {
      parsed = TrustFileSchema.safeParse(JSON.parse(text));
    } catch (error) {
      throw new ConfigError("CONFIG_INVALID", `${this.path}: not valid JSON (${errorMessage(error)}); remove it and grant trust again`);
    }
    if (!parsed.success)
      throw new ConfigError("CONFIG_INVALID", `${this.path}: ${parsed.error.issues[0]?.message ?? "invalid"}; remove it and grant trust again`);
    return parsed.data.projects;
  }

  /** Whether `file` (inside the project at `dir`) with content digest `digest` is trusted. Fails closed. */
  status(dir: string, file: string, digest: string): TrustStatus {
    let root: string;
    let records: TrustRecord[];
    try {
      root = realpathSync(dir);
      records = this.records();
    } catch {
      return "untrusted";
    }
    const known = records.find((r) => r.root === root)?.files[relativeKey(dir, file)];
    if (known === undefined) return "untrusted";
    return known === digest ? "trusted" : "changed";
  }

  /**
   * Why the programs `executables` names are not the ones the user trusted with the project at
   * `dir` (one changed, is gone, or was never recorded); undefined when each is as trusted.
   */
  executablesChanged(dir: string, executables: Record<string, string | undefined>): string | undefined {
    let record: TrustRecord | undefined;
    try {
      const root = realpathSync(dir);
      record = this.records().find((r) => r.root === root);
    } catch {
      return "the trust record cannot be read";
    }
    for (const path of projectExecutables(dir, executables)) {
      const known = record?.executables?.[path];
      const now = digestOf(path);
      if (known === undefined) return `the executable ${path} was not part of what you trusted`;
      if (now === undefined) return `the executable ${path} is gone`;
      if (now !== known) return `the executable ${path} changed since you trusted it`;
    }
    return undefined;
  }

  /**
   * The `providers` entries whose project files (the script a command runs, a file an argument
   * names) are not those the user trusted with the project at `dir`, each with why.
   */
  providersChanged(dir: string, providers: Record<string, ProviderEntry>): Map<string, string> {
    const out = new Map<string, string>();
    let record: TrustRecord | undefined;
    let root = dir;
    let unreadable = false;
    try {
      root = realpathSync(dir);
      record = this.records().find((r) => r.root === root);
    } catch {
      unreadable = true;
    }
    for (const [name, entry] of Object.entries(providers)) {
      const why =
        record === undefined
          ? unreadable
            ? "the trust record cannot be read"
            : "this project is not trusted"
          : providerFilesChanged(root, entry, record.providers?.[name]);
      if (why !== undefined) out.set(name, why);
    }
    return out;
  }

  /** Trusts the project at `dir` as its files are now; replaces an earlier grant. */
  grant(dir: string, now: Date = new Date()): TrustRecord {
    const root = projectRoot(dir);
    const files = projectTrustFiles(root);
    if (files.length === 0) {
      throw new ConfigError(
        "INVALID_ARGUMENT",
        `nothing to trust in ${root}: no ${PROJECT_CONFIG} and no agent definitions in ${projectDefinitionDirs(".").join(" or ")}`,
      );
    }
    // What the config makes us run is vouched for too: an edited script is not the one the user read.
    const executables: Record<string, string> = {};
    for (const path of projectExecutables(root)) {
      const digest = digestOf(path);
      if (digest === undefined)
        throw new ConfigError("INVALID_ARGUMENT", `${PROJECT_CONFIG} names the executable ${path}, which cannot be read; fix the path, then trust again`);
      executables[path] = digest;
    }
    // And each file a provider entry runs or names: the script the user read is the one that runs.
    const providers: Record<string, FileDigests> = {};
    for (const [name, entry] of Object.entries(projectProviders(root))) providers[name] = providerFiles(root, entry);
    const record: TrustRecord = {
      root,
      files: Object.fromEntries(files.map((f) => [f, sha256(readFileSync(join(root, f)))])),
      ...(Object.keys(executables).length === 0 ? {} : { executables }),
      ...(Object.keys(providers).length === 0 ? {} : { providers }),
      granted_at: now.toISOString(),
    };
    this.#write([...this.records().filter((r) => r.root !== root), record]);
    return record;
  }

  /** Withdraws the trust of the project at `dir`; false when there was none. */
  revoke(dir: string): boolean {
    const root = projectRoot(dir);
    const records = this.records();
    const kept = records.filter((r) => r.root !== root);
    if (kept.length === records.length) return false;
    this.#write(kept);
    return true;
  }

  // Atomic, the folder 0700 and the file 0600: only the user reads or writes trust.
  #write(projects: TrustRecord[]): void {
    writePrivate(this.path, `${JSON.stringify({ version: 1, projects }, null, 2)}\n`);
  }
}
