export { type BuildPlanOptions, buildPlan, type PlanBuildResult } from "./build-plan.js";
