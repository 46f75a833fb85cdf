import { toolFactsSuite } from "./tool-facts.js";

// Gemini CLI 0.61 reports a shell call "completed" whatever its exit; in debug mode (the preset's
// --debug) its update's text states the exit code (acp/gemini-exit.ts).
toolFactsSuite("gemini", { permissionMode: "yolo" }, { failedOk: true, exitCodes: [3, 0] });
