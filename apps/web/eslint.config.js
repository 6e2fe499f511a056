import base from '@peasswap/eslint-config';

export default [
  ...base,
  {
    // The dashboard uses the router's types as merchants get them, so the two cannot drift.
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@peasswap/api/router',
              message: 'Import AppRouter and RouterOutputs from @peasswap/client.',
            },
          ],
        },
      ],
    },
  },
];
