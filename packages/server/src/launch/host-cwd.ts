import { statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const SandboxState = z.object({ "codex/sandbox-state-meta": z.object({ sandboxCwd: z.string().min(1) }) });

/**
 * The folder the host's session works in, where its tool call says so: what a launch that names
 * no cwd works in. Codex starts a plugin's server in the plugin's own folder (and one app-server
 * serves threads of several projects), so the server's own folder is no guide there. Undefined
 * when the call says nothing usable (another host, or a folder that is not there).
 */
export function hostCwd(meta: Record<string, unknown> | undefined): string | undefined {
  const parsed = SandboxState.safeParse(meta);
  if (!parsed.success) return undefined;
  const given = parsed.data["codex/sandbox-state-meta"].sandboxCwd;
  try {
    const path = given.startsWith("file:") ? fileURLToPath(given) : given;
    return isAbsolute(path) && statSync(path).isDirectory() ? path : undefined;
  } catch {
    return undefined;
  }
}
