// A static site in dist/: relative paths, so any file server (or a
// subfolder of one) can host it; the worker as an ES module.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022' },
  server: { fs: { allow: ['..'] } },
});
