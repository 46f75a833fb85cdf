import { MAILBOX_ENV } from "@subagent-mcp/mailbox/config";

// Codex starts an MCP server with a bare environment (HOME, PATH, LANG, SHELL, TERM and the CA bundle
// settings) plus the variables its entry names in `env_vars`: the plugin's and setup's entries both
// forward, by name, what our server and the agent CLIs it starts read: our own settings (every mailbox
// setting from the one list that names them), where each CLI keeps its config, each CLI's login and
// endpoint, its privacy switches, and the proxy settings a network may need.

/** The variables a Codex-started server of ours is given from Codex's own environment. */
export const CODEX_FORWARDED_ENV: readonly string[] = [
  ...["CLAUDE", "CODEX", "GEMINI", "QWEN", "OPENCODE"].map((cli) => `SUBAGENT_MCP_${cli}_PATH`),
  ...["AGENTS_PATH", "MAX_LIVE", "MAX_DEPTH", "STALL_SECONDS", "JOURNAL", "DASHBOARD", "TOOLSETS"].map((name) => `SUBAGENT_MCP_${name}`),
  ...Object.values(MAILBOX_ENV),
  ...["XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_HOME", "QWEN_HOME"],
  ...["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "CLAUDE_CODE_OAUTH_TOKEN", "CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX"],
  ...["OPENAI_API_KEY", "OPENAI_BASE_URL", "CODEX_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL", "GOOGLE_CLOUD_PROJECT"],
  ...["GOOGLE_CLOUD_LOCATION", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_APPLICATION_CREDENTIALS", "DASHSCOPE_API_KEY", "AWS_REGION", "AWS_PROFILE"],
  ...["DISABLE_TELEMETRY", "DISABLE_AUTOUPDATER", "DISABLE_ERROR_REPORTING", "DISABLE_BUG_COMMAND", "DO_NOT_TRACK"],
  ...["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "CLAUDE_CODE_ENABLE_TELEMETRY", "CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL"],
  ...["GEMINI_CLI_TRUST_WORKSPACE", "GEMINI_CLI_NO_RELAUNCH"],
  ...["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_SERVICE_NAME", "OTEL_TRACES_EXPORTER"],
  ...["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "all_proxy", "no_proxy"],
];
