import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/index.js";

/** The config loaded in a temporary HOME and project holding the given user and project config files. */
export function loadWith(user: object | undefined, project?: object): ReturnType<typeof loadConfig> {
  return loadSaying(user, project).config;
}

/** As {@link loadWith}, with `env`'s variables too, and what the loader warned. */
export function loadSaying(
  user: object | undefined,
  project: object | undefined,
  env: Record<string, string> = {},
): { config: ReturnType<typeof loadConfig>; said: string[] } {
  const root = mkdtempSync(join(tmpdir(), "config-files-"));
  const base = { HOME: root, XDG_CONFIG_HOME: join(root, "config"), XDG_STATE_HOME: join(root, "state") };
  const cwd = join(root, "project");
  mkdirSync(join(cwd, ".subagent-mcp"), { recursive: true });
  mkdirSync(join(base.XDG_CONFIG_HOME, "subagent-mcp"), { recursive: true });
  if (user !== undefined) writeFileSync(join(base.XDG_CONFIG_HOME, "subagent-mcp", "config.json"), JSON.stringify(user));
  if (project !== undefined) writeFileSync(join(cwd, ".subagent-mcp", "config.json"), JSON.stringify(project));
  const said: string[] = [];
  return { config: loadConfig({ cwd, env: { ...base, ...env }, warn: (line) => said.push(line) }), said };
}
