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
  // drizzle-orm's modules are copied into dist/ (still one file each, not bundled). Node 24's ESM
  // resolver re-reads the nearest package.json for every module it loads, and drizzle-orm's is a
  // 178 KB exports map: ~300 of its modules cost 1.5 s and ~290 MiB at start, kept by V8 after.
  // Under dist/ their package.json is this package's (docs/benchmarks.md, "Production runtime").
  noExternal: [/^drizzle-orm/],
});
