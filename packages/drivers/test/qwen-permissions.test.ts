import { permissionSuite } from "./permissions.js";

// A refused tool ends Qwen Code's turn: the model is not called again.
permissionSuite("qwen", { denyReason: false, denyEndsTurn: true });
