import { defineConfig } from "vitest/config";

// Integration tests need the real BuildKit environment (test/env/up.sh); the global setup brings it up
// unless RPK_SKIP_INTEGRATION=1, in which case test/integration/** is skipped entirely.
const skipIntegration = process.env.RPK_SKIP_INTEGRATION === "1";

export default defineConfig({
  test: {
    include: skipIntegration ? ["test/unit/**/*.test.ts"] : ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
    globalSetup: skipIntegration ? [] : ["test/env/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 900_000,
    // Integration tests share one daemon and a 2-core machine: run files one at a time.
    fileParallelism: skipIntegration,
    maxWorkers: skipIntegration ? undefined : 1,
  },
});
