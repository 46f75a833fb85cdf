import { driverSuite } from "./suite.js";

driverSuite("gemini", { permissionMode: "yolo" });
