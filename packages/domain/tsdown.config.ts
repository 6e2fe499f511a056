import { defineConfig } from 'tsdown';

// The compiled build `pnpm start` runs (the API resolves it with `--conditions=compiled`);
// typecheck, tests, tsx and Vite keep reading src/ directly.
export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node24',
  sourcemap: true,
  dts: false,
  fixedExtension: false,
});
