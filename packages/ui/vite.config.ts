import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The SPA is served by `tracehouse start` from packages/ui/dist; `npm run dev -w @tracehouse/ui`
// proxies the API to a tracehouse on :3200 for development.
const api = process.env.TRACEHOUSE_API ?? 'http://localhost:3200';
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  server: { proxy: { '/api': api, '/login': api } },
});
