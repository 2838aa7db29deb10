import { writeFileSync } from "node:fs";
import { renderCatalog } from "../src/diagnostics/catalog";

writeFileSync(new URL("../docs/diagnostics.md", import.meta.url), renderCatalog());
