import { defineConfig } from 'vitest/config';

// Two tiers: unit tests run in parallel; integration tests (real servers, databases, ptys,
// sockets) run one file at a time, so their timings do not depend on what else is running.
export default defineConfig({
  test: {
    environment: 'node',
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
