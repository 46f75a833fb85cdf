import { driverSuite } from "./suite.js";

// The same contract on the older release of the version matrix (see src/compat/compat.ts).
driverSuite("claude", { version: "prev" });
