import { randomBytes } from "node:crypto";
import { watch } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CodedError } from "@subagent-mcp/errors";
import { execa } from "execa";
import type { CliEnvironment } from "./env/loopback.js";
import { locateCli } from "./locate.js";

/** A host CLI running interactively in a terminal of its own, driven by keys as a person would. */
export interface TmuxHost {
  /** What the terminal shows now. */
  screen(): Promise<string>;
  /** Resolves with the screen once `pattern` shows on it (or, given a function, once it says so); rejects with the screen after `timeoutMs`. */
  waitFor(pattern: RegExp | string | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  /**
   * Presses `key` until the screen shows `done`, at most `attempts` times, each after `done` failed
   * to show within `patienceMs`. Claude Code ignores an Enter that comes right after a form's focus
   * moved (a guard against submitting by a stray key); a person simply presses it again.
   */
  pressUntil(key: string, done: RegExp | string | ((screen: string) => boolean), options?: { attempts?: number; patienceMs?: number }): Promise<string>;
  /** Types `text` (literally), waits until it shows, then presses Enter: a prompt as a person sends it. */
  prompt(text: string): Promise<void>;
  /** Resolves once the CLI's debug log shows `pattern` (e.g. that an MCP server connected). */
  waitForLog(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Resolves once the MCP server `name` is connected: a prompt typed before would not see its tools. */
  mcpConnected(name: string, timeoutMs?: number): Promise<void>;
  /** Presses keys by tmux's names (Enter, Escape, Right, Space, Up, Down, Tab, C-c). */
  keys(...names: string[]): Promise<void>;
  close(): Promise<void>;
}

/** A wait on the screen that ran out: the message carries what the screen showed. */
export class TmuxWaitError extends CodedError<"TMUX_WAIT_TIMEOUT"> {
  override readonly name = "TmuxWaitError";
}

/**
 * Starts the pinned interactive Claude Code (no `-p`) under tmux, in `environment` (the testkit's
 * one loopback environment) with `args`. Its first-run screens are marked done in `~/.claude.json`
 * (onboarding, the folder's trust, the test API key), so it opens on its prompt. Each host gets a
 * tmux server of its own (`-L`), so hosts of parallel tests never see each other. Needs `tmux`.
 */
export async function startTmuxClaude(environment: CliEnvironment, args: readonly string[], size = { width: 200, height: 50 }): Promise<TmuxHost> {
  await trustFolder(environment);
  const { command, args: prefix } = locateCli("claude");
  const socket = `subagent-mcp-${randomBytes(6).toString("hex")}`;
  // The loopback environment's TMPDIR (tests only): the tmux host's screen log and Claude Code's debug log go there.
  const log = join(environment.env.TMPDIR ?? environment.home, `${socket}.out`);
  const debug = join(environment.env.TMPDIR ?? environment.home, `${socket}.debug`);
  await mkdir(join(log, ".."), { recursive: true });
  await writeFile(log, "");
  await writeFile(debug, "");
  const tmux = (...rest: string[]) => execa("tmux", ["-L", socket, ...rest], { env: { ...environment.env, TERM: "xterm-256color" }, extendEnv: false });
  // The session's command sees the tmux server's environment: the loopback one, with a real terminal type.
  await tmux(
    "new-session",
    "-d",
    "-s",
    "host",
    "-x",
    String(size.width),
    "-y",
    String(size.height),
    "-c",
    environment.cwd,
    "--",
    command,
    ...prefix,
    "--debug-file",
    debug,
    ...args,
  );
  // Every byte the CLI draws also goes to a file, so that waiting on the screen follows its output.
  await tmux("pipe-pane", "-t", "host", "-o", `cat >> '${log}'`);
  const screen = async () => (await tmux("capture-pane", "-p", "-t", "host")).stdout;
  const waitFor = (pattern: RegExp | string | ((screen: string) => boolean), timeoutMs = 60_000) =>
    waitForText(log, screen, pattern, timeoutMs, "the host's screen");
  const readDebug = () => readFile(debug, "utf8");
  const waitForLog = (pattern: RegExp | string, timeoutMs = 60_000) => waitForText(debug, readDebug, pattern, timeoutMs, "the host's debug log");
  return {
    screen,
    waitFor,
    waitForLog,
    mcpConnected: async (name, timeoutMs) => {
      // Claude Code 2.1.330 logs this once it has the server's tool list (a prompt sent on
      // "Connection established" alone can still go out without the server's tools).
      await waitForLog(`MCP server "${name}": Channel notifications`, timeoutMs);
    },
    prompt: async (text) => {
      await tmux("send-keys", "-t", "host", "-l", text);
      // Enter in the same burst as a long text is taken as part of a paste: wait until it shows.
      await waitFor(text.slice(-20), 10_000);
      await tmux("send-keys", "-t", "host", "Enter");
    },
    pressUntil: async (key, done, options = {}) => {
      const attempts = options.attempts ?? 5;
      for (let attempt = 1; ; attempt++) {
        await tmux("send-keys", "-t", "host", key);
        try {
          return await waitFor(done, options.patienceMs ?? 2_000);
        } catch (error) {
          if (attempt >= attempts) throw error;
        }
      }
    },
    keys: async (...names) => {
      await tmux("send-keys", "-t", "host", ...names);
    },
    close: async () => {
      await tmux("kill-server").catch(() => undefined);
    },
  };
}

// Resolves once `read()` matches, checking again each time `file` changes (the CLI drew or logged something).
function waitForText(
  file: string,
  read: () => Promise<string>,
  pattern: RegExp | string | ((text: string) => boolean),
  timeoutMs: number,
  what: string,
): Promise<string> {
  const matches = (text: string) => (typeof pattern === "string" ? text.includes(pattern) : typeof pattern === "function" ? pattern(text) : pattern.test(text));
  return new Promise((resolve, reject) => {
    // Each change bumps `seen`; a check that ran while one came in reads once more.
    const state = { checking: false, seen: 0, done: false };
    const finish = (error?: Error, text?: string) => {
      if (state.done) return;
      state.done = true;
      watcher.close();
      clearTimeout(timer);
      if (error === undefined) resolve(text ?? "");
      else reject(error);
    };
    const check = async (): Promise<void> => {
      state.seen++;
      if (state.checking) return;
      state.checking = true;
      try {
        let read_ = -1;
        while (read_ !== state.seen && !state.done) {
          read_ = state.seen;
          const text = await read();
          if (matches(text)) {
            finish(undefined, text);
            return;
          }
        }
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      } finally {
        state.checking = false;
      }
    };
    const watcher = watch(file, () => void check());
    const timer = setTimeout(() => {
      void read().then(
        (text) => {
          finish(new TmuxWaitError("TMUX_WAIT_TIMEOUT", `${what} did not show ${String(pattern)} within ${timeoutMs} ms; it shows:\n${text.slice(-4000)}`));
        },
        (error: unknown) => {
          finish(error instanceof Error ? error : new Error(String(error)));
        },
      );
    }, timeoutMs);
    void check();
  });
}

// Onboarding done (the loopback environment already marks it), the working folder trusted and the
// test key approved: the three screens an interactive first start would stop on.
async function trustFolder(environment: CliEnvironment): Promise<void> {
  const file = join(environment.home, ".claude.json");
  const config = JSON.parse(await readFile(file, "utf8").catch(() => "{}")) as Record<string, unknown>;
  // ANTHROPIC_API_KEY (tests only): the placeholder key the loopback environment gives Claude Code, marked approved for the tmux host.
  const key = environment.env.ANTHROPIC_API_KEY ?? "test";
  const projects = (config.projects ?? {}) as Record<string, Record<string, unknown>>;
  Object.assign(config, {
    hasCompletedOnboarding: true,
    theme: "dark",
    projects: { ...projects, [environment.cwd]: { ...projects[environment.cwd], hasTrustDialogAccepted: true } },
    customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] },
  });
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
}
