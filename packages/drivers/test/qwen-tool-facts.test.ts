import { toolFactsSuite } from "./tool-facts.js";

// Qwen Code reports a non-zero exit as "failed", with `exitCode` in its shell_result rawOutput.
toolFactsSuite("qwen", { permissionMode: "yolo" }, { failedOk: false, exitCodes: [3, 0] });
