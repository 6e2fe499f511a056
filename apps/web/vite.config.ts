import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the API runs separately (`pnpm start` or `pnpm --filter @peasswap/api start`);
// in production it serves dist/ itself, so the dashboard always calls same-origin paths.
const api = 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/trpc': api,
      '/v1': api,
    },
  },
});
