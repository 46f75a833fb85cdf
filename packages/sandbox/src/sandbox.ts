import { bwrapArgs } from "./bwrap.js";
import type { SandboxMode, SandboxStatus } from "@subagent-mcp/contract";
import { detectSandbox, detectSandboxLater, SANDBOXED_ENV } from "./detect.js";
import { SandboxError } from "./errors.js";
import { seatbeltProfile } from "./seatbelt.js";
import { presentView, type SandboxView } from "./view.js";

const OFF: SandboxStatus = { kind: "none", reason: "turned off by the sandbox setting (SUBAGENT_MCP_SANDBOX or the config's `sandbox`)" };

/** A command as a driver would run it. */
export interface SandboxCommand {
  executable: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** Its own pid namespace where the sandbox has one: whatever it starts (a `setsid` daemon too) ends with it. */
  ownPids?: boolean;
}

/**
 * Runs every CLI we start (agents, pool replicas, worker sessions, a node's agents, checks,
 * provider entries) inside the OS sandbox, with the view of our files that `view` gives. Which
 * sandbox is found on first use, once.
 */
export class Sandbox {
  #status: SandboxStatus | undefined;
  #view: SandboxView | undefined;

  constructor(
    readonly mode: SandboxMode,
    private readonly view: () => SandboxView,
    private readonly env: Record<string, string | undefined> = process.env,
  ) {}

  /** What holds the CLIs of this process: `none` with the reason when nothing does (or the setting is `off`). */
  status(): SandboxStatus {
    this.#status ??= this.mode === "off" ? OFF : detectSandbox(this.env);
    return this.#status;
  }

  /** {@link status} found without blocking (a server at start, for its record): the same answer. */
  async detect(): Promise<SandboxStatus> {
    if (this.#status !== undefined) return this.#status;
    const found = this.mode === "off" ? OFF : await detectSandboxLater(this.env);
    this.#status ??= found;
    return this.#status;
  }

  /** Throws SANDBOX_UNAVAILABLE when the setting is `required` and no sandbox holds: checked before a launch is accepted. */
  assertUsable(): void {
    const status = this.status();
    if (this.mode === "required" && status.kind === "none") {
      throw new SandboxError(
        "SANDBOX_UNAVAILABLE",
        `no agent is started without an OS sandbox (sandbox: "required"), and there is none: ${status.reason ?? "unknown"}`,
      );
    }
  }

  /** The command to run instead of `command`: the same, inside the sandbox (unchanged without one). */
  wrap(command: SandboxCommand): { executable: string; args: string[]; env: Record<string, string> } {
    this.assertUsable();
    const status = this.status();
    if (status.kind !== "bwrap" && status.kind !== "sandbox-exec") return { executable: command.executable, args: [...command.args], env: command.env };
    this.#view ??= this.view();
    const view = presentView(this.#view);
    const env = { ...command.env, [SANDBOXED_ENV]: status.kind };
    const executable = status.executable ?? status.kind;
    if (status.kind === "bwrap") return { executable, args: bwrapArgs(view, command), env };
    const shown = view.hidden.some((dir) => command.cwd === dir || command.cwd.startsWith(`${dir}/`))
      ? { shown: [...view.shown, { path: command.cwd, writable: true }] }
      : {};
    return { executable, args: ["-p", seatbeltProfile({ ...view, ...shown }), command.executable, ...command.args], env };
  }
}
