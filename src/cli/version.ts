/** Replaced at build time by the CLI bundler; the fallback is used under vitest. */
declare const __AISCOUT_VERSION__: string | undefined
export const VERSION: string =
  typeof __AISCOUT_VERSION__ === 'string' ? __AISCOUT_VERSION__ : '0.1.0-dev'
