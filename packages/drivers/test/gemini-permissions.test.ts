import { permissionSuite } from "./permissions.js";

permissionSuite("gemini", { denyReason: false });
