import { defineConfig } from 'tsdown';

const common = {
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  fixedExtension: false,
} as const;

export default defineConfig([
  // The JavaScript, from src/: this package's own code; tRPC and standardwebhooks stay
  // dependencies, resolved at run time.
  {
    ...common,
    entry: ['src/index.ts'],
    clean: false,
    dts: false,
    deps: { neverBundle: [/^@trpc\//, 'standardwebhooks', '@peasswap/api/router'] },
  },
  // The declarations, one self-contained dist/index.d.ts, from build/src/ (src/ with router.ts
  // replaced by scripts/emit-router-types.ts's copy of the procedures' types) with the parts of
  // tRPC's types it uses bundled in: tRPC's own entry points would pull in its server adapters'
  // types, which need @types/node and @types/ws, and none of the API's source or dependencies.
  {
    ...common,
    entry: { index: 'build/src/index.ts' },
    clean: false,
    dts: { emitDtsOnly: true },
    deps: { alwaysBundle: [/^@trpc\//], onlyBundle: false },
  },
]);
