import { driverSuite } from "./suite.js";

driverSuite("claude");
