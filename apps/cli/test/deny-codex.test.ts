import { denySuite } from "./deny-e2e.js";

// Codex asks about every command as `/bin/bash -lc '…'` (0.169 under approval "untrusted", read-only
// ones too), which the rules read through; MCP tools, which it runs without asking, are disabled for
// the thread when a rule names them. Codex is pinned to the model its config names, which the fake
// serves with its shell tool.
denySuite("codex", "gpt-5.5");
