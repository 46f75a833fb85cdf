import { driverSuite } from "./suite.js";

// OpenCode: an ACP agent driven from its preset alone (no code of its own in the driver).
driverSuite("opencode");
