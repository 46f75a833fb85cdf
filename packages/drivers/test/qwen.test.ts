import { driverSuite } from "./suite.js";

// Qwen Code: an ACP agent driven from its preset alone (no code of its own in the driver).
// 0.24.4 retries a 429 seven times and then never answers the prompt (a 5xx it does answer), so
// that status is left to stall detection.
driverSuite("qwen", { permissionMode: "yolo", silentOn: [429] });
