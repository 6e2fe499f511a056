import base from '@peasswap/eslint-config';

export default base;
