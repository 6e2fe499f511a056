import base from '@peasswap/eslint-config';

// build/ is scripts/emit-router-types.ts's staged copy of src/ for the declaration bundle.
// test/consumer/ is a merchant's project, type-checked by the pack test with its own tsconfig.
export default [{ ignores: ['build/**', 'test/consumer/**', 'test/fixtures/**'] }, ...base];
