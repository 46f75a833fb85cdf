import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, relative, resolve } from "node:path";

import { loadAgentDefinitions } from "@subagent-mcp/agents";
import {
  ConfigSchema,
  definitionPrivileges,
  privilegedSettings,
  PROJECT_CONFIG,
  projectExecutables,
  projectProviders,
  projectTrustFiles,
  providerFiles,
  sha256,
  TrustStore,
  userConfigPath,
  type Config,
  type TrustRecord,
} from "@subagent-mcp/config";
import { trustNeeded } from "@subagent-mcp/contract";
import { defineCommand } from "citty";
import { fail } from "../fail.js";
import { errorMessage } from "@subagent-mcp/errors";

// A config file as JSON, or an empty one when it is missing or invalid (the server reports those itself).
function configAt(path: string): Config {
  try {
    const parsed = ConfigSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Per project file, what it grants that needs trust (empty: it only tunes behaviour). */
function grantsOf(root: string): Map<string, string[]> {
  const env = process.env;
  const grants = new Map<string, string[]>([
    [PROJECT_CONFIG, [...privilegedSettings(configAt(join(root, PROJECT_CONFIG)), configAt(userConfigPath(env))).values()]],
  ]);
  const loaded = loadAgentDefinitions({ cwd: root, home: env.HOME ?? homedir(), env: {} });
  // An escalation's check needs trust too: an untrusted definition escalates on errors only.
  for (const d of loaded.definitions)
    if (d.scope === "project") grants.set(relative(root, d.file), [...definitionPrivileges(d), ...trustNeeded({ escalate: d.escalate })]);
  return grants;
}

// Whether each recorded file still has the content the user trusted; project files added since are listed as untrusted.
function statusLines(record: TrustRecord): string[] {
  const lines = Object.entries(record.files).map(([file, digest]) => {
    let now: string | undefined;
    try {
      now = sha256(readFileSync(join(record.root, file)));
    } catch {
      now = undefined;
    }
    return `  ${file}: ${now === undefined ? "gone" : now === digest ? "trusted" : "changed since, not trusted"}`;
  });
  for (const file of projectTrustFiles(record.root)) if (!(file in record.files)) lines.push(`  ${file}: added since, not trusted`);
  for (const [path, digest] of Object.entries(record.executables ?? {})) {
    let now: string | undefined;
    try {
      now = sha256(readFileSync(path));
    } catch {
      now = undefined;
    }
    lines.push(`  executable ${path}: ${now === undefined ? "gone" : now === digest ? "trusted" : "changed since, not trusted"}`);
  }
  for (const path of projectExecutables(record.root)) if (!(path in (record.executables ?? {}))) lines.push(`  executable ${path}: added since, not trusted`);
  return [...lines, ...providerLines(record)];
}

// Each project file a `providers` entry runs or names, as trusted and as it is now.
function providerLines(record: TrustRecord): string[] {
  const lines: string[] = [];
  const current = projectProviders(record.root);
  for (const [name, files] of Object.entries(record.providers ?? {})) {
    const now = name in current ? providerFiles(record.root, current[name] ?? {}) : {};
    for (const [file, digest] of Object.entries(files)) {
      const state = now[file] === undefined ? "gone" : now[file] === digest ? "trusted" : "changed since, not trusted";
      lines.push(`  providers.${name} runs ${file}: ${state}`);
    }
  }
  for (const [name, entry] of Object.entries(current))
    for (const file of Object.keys(providerFiles(record.root, entry)))
      if (record.providers?.[name]?.[file] === undefined) lines.push(`  providers.${name} runs ${file}: added since, not trusted`);
  return lines;
}

/** `subagent-mcp trust`: lets a project's files choose executables and grant agent permissions. */
export const trustCommand = defineCommand({
  meta: {
    name: "trust",
    description: "Trust this project's config and agent definitions as they are now (executables, agent permissions); --list, --revoke.",
  },
  args: {
    root: { type: "string", description: "Project directory (default: the current one)" },
    revoke: { type: "boolean", description: "Withdraw the project's trust" },
    list: { type: "boolean", description: "Show the trusted projects and whether each file is unchanged since" },
  },
  run({ args }) {
    if (args.list === true && args.revoke === true) fail("give --list or --revoke, not both");
    const store = TrustStore.fromEnv(process.env);
    const out = (lines: string[]): void => {
      process.stdout.write(`${lines.join("\n")}\n`);
    };
    try {
      if (args.list === true) {
        const records = store.records();
        out(records.length === 0 ? ["No trusted projects."] : records.flatMap((r) => [`${r.root} (trusted ${r.granted_at})`, ...statusLines(r)]));
        return;
      }
      const root = resolve(args.root ?? process.cwd());
      if (args.revoke === true) {
        out([store.revoke(root) ? `${root}: trust withdrawn` : `${root}: was not trusted`]);
        return;
      }
      const record = store.grant(root);
      const grants = grantsOf(record.root);
      out([
        `${record.root}: trusted as it is now (recorded in ${store.path})`,
        ...Object.keys(record.files).map((file) => {
          const granted = grants.get(file) ?? [];
          return `  ${file}${granted.length === 0 ? "" : `: allows ${granted.join(", ")}`}`;
        }),
        ...Object.entries(record.providers ?? {}).flatMap(([name, files]) => Object.keys(files).map((file) => `  ${file}: run by providers.${name}`)),
        "Editing one of these files withdraws its trust until you run this again.",
      ]);
    } catch (error) {
      fail(errorMessage(error));
    }
  },
});
