import { defineConfig } from 'tsdown';

// `pnpm start` runs dist/main.js on plain Node (no TypeScript loader). Unbundled, so each module
// keeps its place under dist/ as under src/ and paths taken from import.meta.url (../../drizzle,
// ../../web/dist) still land where they did; dependencies, @peasswap/domain among them, stay
// imports. Source maps let `node --enable-source-maps` name src/*.ts lines in logged stacks.
export default defineConfig({
  entry: ['src/main.ts'],
  unbundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  sourcemap: true,
  dts: false,
  fixedExtension: false,
});
