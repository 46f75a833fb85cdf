import { readdirSync } from "node:fs";
import { homedir } from "node:os";
import { basename } from "node:path";
import { definitionDirs } from "@subagent-mcp/agents/dirs";
import { HOOK_HOSTS, hostHook, type HookHost, type HookInput } from "@subagent-mcp/hooks/hook";
import { stateDir } from "@subagent-mcp/state";
import { errorMessage } from "@subagent-mcp/errors";

function readStdin(): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => (text += chunk));
    process.stdin.on("end", () => {
      resolve(text);
    });
  });
}

// Pool agent names, cheaply: definition file names in the loader's own folders (no YAML parsing on the hot path).
function poolAgents(cwd: string, home: string): string[] {
  return definitionDirs({ cwd, home, env: process.env }).flatMap((dir) => {
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith(".md"))
        .map((f) => basename(f, ".md"));
    } catch {
      return [];
    }
  });
}

/**
 * `subagent-mcp hook claude|codex|gemini`: the host's hook handler. Reads the event on stdin,
 * prints a decision on stdout (or nothing), and never fails the host: any problem means "no opinion".
 */
export async function runHook(host: string | undefined): Promise<void> {
  try {
    if (!(HOOK_HOSTS as string[]).includes(host ?? "")) return;
    const input = JSON.parse(await readStdin()) as HookInput;
    const home = process.env.HOME ?? homedir();
    const out = hostHook(host as HookHost, input, {
      stateDir: stateDir({ home, env: process.env }),
      env: process.env,
      poolAgents: () => poolAgents(input.cwd ?? process.cwd(), home),
    });
    if (out !== undefined) process.stdout.write(`${JSON.stringify(out)}\n`);
  } catch (error) {
    // Not core's errorMessage(): that would load zod on every prompt the host sends.
    process.stderr.write(`subagent-mcp hook: ${errorMessage(error)}\n`);
  }
}
