import { toolFactsSuite } from "./tool-facts.js";

// Gemini CLI 0.61 reports a shell call "completed" whatever its exit, and says no exit code over ACP
// (the "Exit Code: N" line goes to the model only): a receipt shows it as unknown.
toolFactsSuite("gemini", { permissionMode: "yolo" }, { failedOk: true, exitCodes: [undefined, undefined] });
