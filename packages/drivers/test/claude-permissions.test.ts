import { permissionSuite } from "./permissions.js";

permissionSuite("claude");
