import { permissionSuite } from "./permissions.js";

// OpenCode asks only because the preset's OPENCODE_PERMISSION says "ask". Its request names its
// `edit` permission, not the tool: a write is asked as Edit. A refused tool ends its turn (the
// model is not called again).
permissionSuite("opencode", { denyReason: false, denyEndsTurn: true, writeAskedAs: "Edit" });
