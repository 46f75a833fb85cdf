import { permissionSuite } from "./permissions.js";

// Permission requests on the older release of the version matrix: it ends a tool result with a system
// note of the tokens left, which the fake must still read as the tool's answer.
permissionSuite("claude", { version: "prev" });
