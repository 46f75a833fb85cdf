import { toolFactsSuite } from "./tool-facts.js";

// Codex's commandExecution item carries the exit code itself.
toolFactsSuite("codex", { permissionMode: "bypassPermissions" }, { failedOk: false, exitCodes: [3, 0] });
