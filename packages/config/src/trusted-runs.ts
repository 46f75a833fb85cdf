import { createHash } from "node:crypto";
import { readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Provider } from "@subagent-mcp/contract";
import { ConfigError } from "./errors.js";
import { trustCommand } from "./project-policy.js";
import { projectExecutables, TrustStore, type TrustRecord } from "./trust.js";

// A trusted project's files that we run (the program its `executables` names for a provider, the
// project files a `providers` entry runs or names) are checked before every process a driver
// starts, not only when a server reads the config: one edited since `subagent-mcp trust` refuses
// the launch, until the user trusts it again. A stat per file each time; its content is hashed
// only when its size, times or inode moved since it last matched.

/** A file a trusted project makes us run, and where its trust record keeps the digest vouched for. */
interface PinnedFile {
  path: string;
  /** How a refusal names it: "the executable /p/bin/claude", "the file tools/agent.sh providers.house runs". */
  named: string;
  digestIn: ["executables", string] | ["providers", string, string];
}

/** Per provider, the files of the trusted project at `root` that a process of it runs; plain data, kept on the effective config. */
export interface TrustedRuns {
  root: string;
  /** The trust record's file (see TrustStore). */
  trustFile: string;
  files: Record<Provider, PinnedFile[]>;
}

/**
 * What a running server must keep checking of the trusted project at `cwd`: for each provider whose
 * executable is the project's (`executables`, the effective ones), that program; for each of the
 * project's `providers` entries in force, the project files it runs. Undefined when there are none.
 */
export function trustedRuns(o: {
  cwd: string;
  trust: TrustStore;
  projectExecutables: Record<Provider, string | undefined> | undefined;
  executables: Record<Provider, string | undefined>;
  providers: Record<Provider, unknown> | undefined;
}): TrustedRuns | undefined {
  let root: string;
  let record: TrustRecord | undefined;
  try {
    root = realpathSync(o.cwd);
    record = o.trust.records().find((r) => r.root === root);
  } catch {
    return undefined;
  }
  if (record === undefined) return undefined;
  const files: Record<Provider, PinnedFile[]> = {};
  const add = (provider: Provider, file: PinnedFile): void => {
    (files[provider] ??= []).push(file);
  };
  for (const [provider, path] of Object.entries(o.projectExecutables ?? {})) {
    // The environment's SUBAGENT_MCP_<P>_PATH wins over the project's: then the project's program never runs.
    if (path === undefined || o.executables[provider] !== path) continue;
    for (const real of projectExecutables(root, { [provider]: path }))
      add(provider, { path: real, named: `the executable ${real}`, digestIn: ["executables", real] });
  }
  for (const name of Object.keys(o.providers ?? {}))
    for (const rel of Object.keys(record.providers?.[name] ?? {}))
      add(name, { path: join(root, rel), named: `the file ${rel} providers.${name} runs`, digestIn: ["providers", name, rel] });
  return Object.keys(files).length === 0 ? undefined : { root, trustFile: o.trust.path, files };
}

/** Checks the files `runs` pins, before each process of a provider; remembers what last matched. */
export class TrustedRunsWatch {
  readonly #matched = new Map<string, string>();

  constructor(private readonly runs: TrustedRuns) {}

  /** Throws INVALID_ARGUMENT when a file `provider` runs is not the one the user trusted, saying to trust the project again. */
  verify(provider: Provider): void {
    for (const file of this.runs.files[provider] ?? []) {
      const why = this.#changed(file);
      if (why !== undefined)
        throw new ConfigError("INVALID_ARGUMENT", `provider "${provider}" is not started: ${why}; review it, then run: ${trustCommand(this.runs.root)}`);
    }
  }

  #changed(file: PinnedFile): string | undefined {
    let stamp: string;
    try {
      // ctime too: a write moves it, and no one can set it back as `touch -d` sets mtime.
      const s = statSync(file.path);
      stamp = `${String(s.dev)}:${String(s.ino)}:${String(s.size)}:${String(s.mtimeMs)}:${String(s.ctimeMs)}`;
    } catch {
      return `${file.named} is gone`;
    }
    if (this.#matched.get(file.path) === stamp) return undefined;
    // Taken before the content is read: an edit from here on moves the stamp, so it is read again next time.
    let now: string;
    try {
      now = createHash("sha256").update(readFileSync(file.path)).digest("hex");
    } catch {
      return `${file.named} cannot be read`;
    }
    // The record as it is now: trusting the project again applies at once.
    const trusted = this.#trustedDigest(file);
    if (trusted !== now) return `${file.named} changed since you trusted the project`;
    this.#matched.set(file.path, stamp);
    return undefined;
  }

  #trustedDigest(file: PinnedFile): string | undefined {
    let record: TrustRecord | undefined;
    try {
      record = new TrustStore(this.runs.trustFile).records().find((r) => r.root === this.runs.root);
    } catch {
      return undefined;
    }
    const where = file.digestIn;
    return where[0] === "executables" ? record?.executables?.[where[1]] : record?.providers?.[where[1]]?.[where[2]];
  }
}
