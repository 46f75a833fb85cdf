import { permissionSuite } from "./permissions.js";

permissionSuite("codex");
