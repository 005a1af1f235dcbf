import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite instances are heavy (one WASM PostgreSQL each): a few files at a time is faster on 2 cores.
    maxWorkers: 2,
  },
});
