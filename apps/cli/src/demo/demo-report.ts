import { CLI_INFO, type FoundCli } from "./demo-clis.js";

/** How one step went. */
export interface StepOutcome {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
}

/** What `demo --json` prints. */
export interface DemoReport {
  ok: boolean;
  clis: FoundCli[];
  steps: StepOutcome[];
  total_ms: number;
  failed: string[];
}

const NAME_WIDTH = 30;

/** The line naming the CLIs the demo runs and those it skips (one note each). */
export function cliLines(clis: FoundCli[]): string[] {
  const lines: string[] = [];
  for (const c of clis) {
    const title = CLI_INFO[c.cli].title;
    if (c.source === "missing") lines.push(`  - ${title}: not installed, skipped (${CLI_INFO[c.cli].install})`);
    else lines.push(`  - ${title}: ${c.source === "pinned" ? "pinned build of this checkout" : "on PATH"}, ${c.path}`);
  }
  return lines;
}

/** One aligned line for a step: status, name, milliseconds, what it showed. */
export function stepLine(step: StepOutcome): string {
  const ms = `${Math.round(step.ms)} ms`.padStart(9);
  return `  ${step.ok ? "ok  " : "FAIL"}  ${step.name.padEnd(NAME_WIDTH)}${ms}  ${step.detail.split("\n")[0] ?? ""}`;
}

/** The closing lines: all passed, or which failed. */
export function summaryLines(report: DemoReport): string[] {
  const passed = report.steps.filter((s) => s.ok).length;
  const seconds = (report.total_ms / 1000).toFixed(1);
  if (report.ok) return ["", `All ${passed} steps passed in ${seconds} s. Nothing left behind: agents, server, local models and temp folders are gone.`];
  return ["", `${report.failed.length} of ${report.steps.length} steps failed in ${seconds} s: ${report.failed.join(", ")}.`];
}
