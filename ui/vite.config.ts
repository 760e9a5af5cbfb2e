import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The window loads these files from the binary (no dev server in tests or
// releases), so the build must be self-contained: no CDN, no remote fonts.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
  },
  test: {
    include: ["src/**/*.test.ts"],
    // theme.test.ts reads the theme's colours from app.css as text.
    css: { include: [/app\.css/] },
  },
});
