import { driverSuite } from "./suite.js";

driverSuite("codex");
