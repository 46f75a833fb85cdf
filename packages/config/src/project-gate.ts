import type { Config } from "./config.js";
import { trustCommand, untrustedReason } from "./project-policy.js";
import type { TrustStore } from "./trust.js";
import type { Provider } from "@subagent-mcp/contract";

// A project's settings that need trust apply only while what the user trusted is what would run:
// the config file byte for byte, the programs its `executables` name, and the project files each
// `providers` entry runs or names (an edited script withholds that entry alone).

/** The project's config as it may apply, what was left out of it, and what to tell a launch of a withheld provider. */
export interface GatedProject {
  project: Config;
  ignored: string[];
  withheldProviders: Record<Provider, string>;
}

/** Holds a project's config (read from `path`, with content `digest`) to the user's trust in it. */
export function gateProject(o: {
  cwd: string;
  path: string;
  digest: string;
  project: Config;
  /** The settings that need trust, as "key: what it sets" (see privilegedSettings). */
  privileged: Map<string, string>;
  trust: TrustStore;
  warn: (line: string) => void;
  /** The config without the named keys. */
  without: (project: Config, keys: string[]) => Config;
}): GatedProject {
  const { project, trust } = o;
  const status = trust.status(o.cwd, o.path, o.digest);
  // A trusted config still runs only the programs the user trusted with it, byte for byte.
  const changed = status === "trusted" && project.executables !== undefined ? trust.executablesChanged(o.cwd, project.executables) : undefined;
  const withheld = (reasons: [string, string][]): Record<Provider, string> =>
    Object.fromEntries(reasons.map(([name, why]) => [name, `${o.path} sets it, but ${why}; review it, then run: ${trustCommand(o.cwd)}`]));
  if (status !== "trusted" || changed !== undefined) {
    const why = changed ?? untrustedReason(status === "trusted" ? "changed" : status);
    const ignored = [...o.privileged.keys()];
    o.warn(`subagent-mcp: ${o.path} sets ${[...o.privileged.values()].join(", ")}; ignored because ${why}. Review the file, then run: ${trustCommand(o.cwd)}`);
    return { project: o.without(project, ignored), ignored, withheldProviders: withheld(Object.keys(project.providers ?? {}).map((name) => [name, why])) };
  }
  const edited = [...trust.providersChanged(o.cwd, project.providers ?? {})];
  if (edited.length === 0) return { project, ignored: [], withheldProviders: {} };
  const ignored = edited.map(([name]) => `providers.${name}`);
  o.warn(
    `subagent-mcp: ${o.path}: ${edited.map(([name, why]) => `providers.${name} ignored because ${why}`).join("; ")}. Review it, then run: ${trustCommand(o.cwd)}`,
  );
  return { project: o.without(project, ignored), ignored, withheldProviders: withheld(edited) };
}
