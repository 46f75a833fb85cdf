import { z } from "zod";
import { ProviderSchema, type Provider } from "@subagent-mcp/contract";

/** A plain release number, x.y.z. */
const ReleaseSchema = z.string().regex(/^\d+\.\d+\.\d+$/);

/** A protocol feature a driver needs, and how it is known to be there at run time. */
const CompatFeatureSchema = z.object({
  id: z.string(),
  /** What the driver sends or expects. */
  needs: z.string(),
  /** "version": only the `--version` range says; "handshake": the initialize answer shows it. */
  detect: z.enum(["version", "handshake"]),
  /** Where the handshake shows it (detect "handshake"). */
  field: z.string().optional(),
});

/** Releases `from` (inclusive) up to `before` (exclusive); either end may be open. */
const ReleaseRangeSchema = z.object({ from: ReleaseSchema.optional(), before: ReleaseSchema.optional() });

/** A range of releases known not to work: the whole driver, or only the `features` named. */
const KnownIssueSchema = z.object({
  range: ReleaseRangeSchema,
  /** Unset: the driver cannot run this release at all. */
  features: z.array(z.string()).optional(),
  reason: z.string(),
  fix: z.string(),
});

/** What subagent-mcp knows about one agent CLI's releases. */
const CliCompatSchema = z.object({
  provider: ProviderSchema,
  package: z.string(),
  /** Releases the driver contract suite runs on in CI, oldest first. */
  tested: z.array(ReleaseSchema).min(1),
  features: z.array(CompatFeatureSchema),
  issues: z.array(KnownIssueSchema),
});

export type KnownIssue = z.infer<typeof KnownIssueSchema>;
type CliCompat = z.infer<typeof CliCompatSchema>;

// Ranges below the tested releases come from running older releases against the same requests;
// each reason names what was checked, so a reader can tell a measured bound from a guess.
const TABLE: Partial<Record<Provider, CliCompat>> = {
  claude: {
    provider: "claude",
    package: "@anthropic-ai/claude-code",
    tested: ["2.1.310", "2.1.330"],
    features: [
      {
        id: "stream-json",
        needs: "-p --input-format stream-json --output-format stream-json --verbose",
        detect: "handshake",
        field: "control_response to initialize",
      },
      { id: "partial-messages", needs: "--include-partial-messages (stream_event text deltas)", detect: "version" },
      { id: "interrupt", needs: "control_request subtype interrupt", detect: "version" },
      { id: "permissions", needs: "--permission-prompt-tool stdio (can_use_tool control requests)", detect: "version" },
      { id: "reset", needs: "/clear as a stream-json user line", detect: "version" },
      { id: "effort", needs: "--effort", detect: "version" },
      { id: "builtin-tools", needs: "--tools", detect: "version" },
    ],
    issues: [
      {
        range: { before: "2.0.0" },
        reason: "no --include-partial-messages (1.0.100 rejects it), which every session passes",
        fix: "npm install -g @anthropic-ai/claude-code@latest",
      },
      {
        range: { before: "2.1.310" },
        features: ["effort", "builtin-tools"],
        reason: "2.0.0 has no --effort and no --tools: a spec with an effort or a builtin tool list fails to start",
        fix: "npm install -g @anthropic-ai/claude-code@latest, or leave effort and builtinTools unset",
      },
    ],
  },
  codex: {
    provider: "codex",
    package: "@openai/codex",
    tested: ["0.163.0", "0.169.0"],
    features: [
      { id: "app-server", needs: "codex app-server: initialize", detect: "handshake", field: "initialize result.userAgent (carries the version)" },
      { id: "threads", needs: "thread/start, thread/resume, turn/start, turn/completed", detect: "version" },
      { id: "interrupt", needs: "turn/interrupt", detect: "version" },
      { id: "approvals", needs: "item/commandExecution/requestApproval, item/fileChange/requestApproval, serverRequest/resolved", detect: "version" },
      { id: "mcp-env", needs: "config/read (forwards variables to the user's MCP servers)", detect: "version" },
      { id: "deny-reason", needs: "turn/steer (a denial's reason reaches the model)", detect: "version" },
    ],
    issues: [
      {
        range: { before: "0.74.0" },
        reason:
          "no app-server thread API: 0.40.0 has no app-server, 0.50.0 answers thread/start with Invalid request (0.74.0 is the oldest release checked that has it)",
        fix: "npm install -g @openai/codex@latest",
      },
      {
        range: { before: "0.100.0" },
        features: ["deny-reason"],
        reason: "no turn/steer (0.74.0 and 0.90.0): a denied command is declined without its reason",
        fix: "npm install -g @openai/codex@latest",
      },
    ],
  },
  gemini: {
    provider: "gemini",
    package: "@google/gemini-cli",
    tested: ["0.57.0", "0.61.0"],
    features: [
      { id: "acp", needs: "gemini --acp: initialize, session/new, session/prompt", detect: "handshake", field: "initialize result.agentInfo.version" },
      { id: "resume", needs: "session/load", detect: "handshake", field: "initialize result.agentCapabilities.loadSession" },
      { id: "interrupt", needs: "session/cancel", detect: "version" },
      { id: "permissions", needs: "session/request_permission", detect: "version" },
      { id: "approval-mode", needs: "--approval-mode default|auto_edit|yolo|plan", detect: "version" },
    ],
    issues: [
      {
        range: { before: "0.40.0" },
        reason: "no --acp flag (0.30.0 has only --experimental-acp); 0.40.0 is the oldest release checked that has it",
        fix: "npm install -g @google/gemini-cli@latest",
      },
    ],
  },
  qwen: {
    provider: "qwen",
    package: "@qwen-code/qwen-code",
    tested: ["0.24.3", "0.24.4"],
    features: [
      { id: "acp", needs: "--acp (Agent Client Protocol on stdio)", detect: "handshake", field: "initialize result" },
      { id: "resume", needs: "session/load", detect: "handshake", field: "agentCapabilities.loadSession" },
    ],
    issues: [],
  },
  opencode: {
    provider: "opencode",
    package: "opencode-ai",
    tested: ["1.18.28", "1.18.33"],
    features: [
      { id: "acp", needs: "opencode acp (Agent Client Protocol on stdio)", detect: "handshake", field: "initialize result" },
      { id: "resume", needs: "session/load", detect: "handshake", field: "agentCapabilities.loadSession" },
      { id: "model", needs: "the session's `model` config option (session/set_config_option)", detect: "version" },
      { id: "permissions", needs: "OPENCODE_PERMISSION (asks through session/request_permission)", detect: "version" },
    ],
    issues: [],
  },
};

/** The compatibility table of `provider` (validated against its schema); undefined for an agent we keep none for. */
export function compatTable(provider: Provider): CliCompat | undefined {
  const table = TABLE[provider];
  return table === undefined ? undefined : CliCompatSchema.parse(table);
}
