import { z } from "zod";
import { compatTable, type KnownIssue } from "./compat.js";
import type { Provider } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

/** How an installed release relates to the compatibility table. */
const CompatStatusSchema = z.enum(["tested", "newer", "older", "incompatible", "unknown"]);
type CompatStatus = z.infer<typeof CompatStatusSchema>;

/** The verdict on one release; `features` lists what does not work on it when the rest does. */
export const CompatResultSchema = z.object({
  status: CompatStatusSchema,
  version: z.string().optional(),
  reason: z.string().optional(),
  fix: z.string().optional(),
  features: z.array(z.string()).optional(),
});
type CompatResult = z.infer<typeof CompatResultSchema>;

/** The first x.y.z in a `--version` line ("2.1.330 (Claude Code)", "codex-cli 0.169.0"), or undefined. */
export function parseRelease(text: string): string | undefined {
  return /(\d+)\.(\d+)\.(\d+)/.exec(text)?.[0];
}

/** Compares two x.y.z releases numerically: negative, zero or positive. */
export function compareReleases(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function inRange(version: string, range: KnownIssue["range"]): boolean {
  return (range.from === undefined || compareReleases(version, range.from) >= 0) && (range.before === undefined || compareReleases(version, range.before) < 0);
}

/**
 * Where `version` (a release or a whole `--version` line) of `provider`'s CLI stands: a known
 * incompatible range wins; else tested (one of, or between, the tested releases), newer or older.
 * Features known not to work on it are listed with their reason and fix, whatever the status.
 */
export function checkCompat(provider: Provider, version: string): CompatResult {
  const release = parseRelease(version);
  const table = compatTable(provider);
  if (table === undefined) return { status: "unknown", ...definedFields({ version: release }), reason: `no releases of ${provider} are tracked here` };
  if (release === undefined) return { status: "unknown", reason: `no x.y.z release in "${version}"` };
  const issues = table.issues.filter((issue) => inRange(release, issue.range));
  const fatal = issues.find((issue) => issue.features === undefined);
  if (fatal !== undefined) return { status: "incompatible", version: release, reason: fatal.reason, fix: fatal.fix };
  const oldest = table.tested[0] as string;
  const newest = table.tested[table.tested.length - 1] as string;
  const status: CompatStatus = compareReleases(release, newest) > 0 ? "newer" : compareReleases(release, oldest) < 0 ? "older" : "tested";
  const partial = issues.filter((issue) => issue.features !== undefined);
  if (partial.length === 0) return { status, version: release };
  return {
    status,
    version: release,
    features: partial.flatMap((issue) => issue.features ?? []),
    reason: partial.map((issue) => issue.reason).join("; "),
    fix: partial[0]?.fix,
  };
}

/** One line for people: what `checkCompat` found, with the tested releases for context. */
export function describeCompat(provider: Provider, result: CompatResult): string {
  const tested = compatTable(provider)?.tested.join(", ") ?? "none tracked";
  const head: Record<CompatStatus, string> = {
    tested: `tested (tested: ${tested})`,
    newer: `newer than tested (${tested}): should work; run \`subagent-mcp doctor --run\` to check`,
    older: `older than tested (${tested}): may work; upgrading is safer`,
    incompatible: "known incompatible",
    unknown: "version not recognised",
  };
  const parts = [head[result.status]];
  if (result.features !== undefined) parts.push(`unsupported here: ${result.features.join(", ")}`);
  if (result.reason !== undefined) parts.push(result.reason);
  if (result.fix !== undefined) parts.push(`fix: ${result.fix}`);
  return parts.join(" — ");
}

const HandshakeAnswer = z.object({
  result: z
    .object({
      userAgent: z.string().optional(),
      agentInfo: z.object({ version: z.string().optional() }).optional(),
      agentCapabilities: z.object({ loadSession: z.boolean().optional() }).optional(),
    })
    .optional(),
});

/**
 * What a CLI's initialize answer says for itself: its release where the protocol carries one
 * (Codex app-server's userAgent, ACP's agentInfo) and the handshake-detected features it lacks
 * (ACP's agentCapabilities.loadSession for session/load).
 */
export function handshakeFindings(provider: Provider, answer: unknown): { version?: string; missing: string[] } {
  const parsed = HandshakeAnswer.safeParse(answer);
  const result = parsed.success ? parsed.data.result : undefined;
  // Every provider but Claude Code and Codex speaks ACP.
  const acp = provider !== "claude" && provider !== "codex";
  const raw = provider === "codex" ? result?.userAgent : acp ? result?.agentInfo?.version : undefined;
  const version = raw === undefined ? undefined : parseRelease(raw);
  const missing = acp && result?.agentCapabilities?.loadSession !== true ? ["resume"] : [];
  return { ...definedFields({ version }), missing };
}
