import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));
const webRoot = fileURLToPath(new URL('./src/web', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));

/**
 * React and TanStack Query get stable vendor chunks (they change rarely and every page needs them).
 * antd is left to automatic splitting on purpose: with one antd chunk the first page loads ~420 kB
 * gzipped; split by use (and with the pages lazy, main.tsx) the home page loads ~198 kB and the
 * form, table, tree and date-picker code arrives with the pages that use it.
 */
const vendorGroups = [
  {
    name: 'react',
    test: /node_modules[\\/](react|react-dom|scheduler|react-router|cookie|set-cookie-parser)[\\/]/,
    priority: 40,
  },
  { name: 'query', test: /node_modules[\\/]@tanstack[\\/]/, priority: 30 },
];

/**
 * Writes a brotli (`.br`) and a gzip (`.gz`) copy next to every text file of the build, at the
 * highest levels (done once per build, not per request); the server sends the one the browser
 * accepts (@fastify/static `preCompressed`). Written by hand because it is a dozen lines of
 * node:zlib, where the plugins on npm for it bring their own compression libraries.
 */
function precompress(): Plugin {
  const compressible = /\.(js|css|html|svg|json|txt|map)$/;
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const file = path.join(dir, name);
      return statSync(file).isDirectory() ? files(file) : [file];
    });
  let built = outDir;
  return {
    name: 'precompress',
    apply: 'build',
    configResolved(config) {
      built = config.build.outDir;
    },
    closeBundle() {
      for (const file of files(built)) {
        if (!compressible.test(file)) continue;
        const content = readFileSync(file);
        if (content.length < 1024) continue;
        writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(content, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
            },
          }),
        );
      }
    },
  };
}

export default defineConfig({
  root: webRoot,
  plugins: [react(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      // antd's Menu, Tooltip and Button import its form context, which imports @rc-component/form's
      // index; that package does not declare itself free of side effects, so its whole Form and
      // the validator came along to every page. It has none: only what is used stays.
      treeshake: {
        moduleSideEffects: [
          { test: /node_modules[\\/]@rc-component[\\/](form|async-validator)[\\/]/, sideEffects: false },
        ],
      },
      output: {
        codeSplitting: { groups: vendorGroups },
      },
    },
  },
  server: {
    port: 5173,
    host: '127.0.0.1',
    fs: { allow: [repoRoot] },
    proxy: { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } },
  },
  preview: { port: 4173 },
});
