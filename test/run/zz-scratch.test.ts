import { it } from "vitest";
import { compileProfile } from "../../src/compile";
it("peek", () => {
const r = compileProfile("ps315.basic");
const ir = r.ir!;
console.log(ir.profile, ir.secrets, ir.params, ir.rules.length, ir.rules.filter(x=>x.action.kind==="code" && x.action.code.includes("U")).length);
console.log(JSON.stringify(ir.rules[0]));
const r2 = compileProfile("rules/examples/trial-pseudonyms.deid");
console.log(r2.diagnostics.length, r2.ir?.secrets, JSON.stringify(r2.ir?.rules.filter(x=>x.action.kind==="lookup").map(x=>[x.source, x.action])));
});
