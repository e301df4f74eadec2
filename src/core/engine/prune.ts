/**
 * Crawl pruning. Bulk trees that never hold AI assets are skipped whole (node_modules, VCS
 * metadata, Python bytecode, trash, package-manager and browser caches); site-packages is read
 * from package metadata by discovery, never crawled file by file. Caches that DO hold AI assets
 * are kept even inside a pruned cache directory.
 */
export const PRUNED_DIR_NAMES: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  'site-packages',
  'dist-packages',
  '.Trash',
  '.Trashes',
  '$RECYCLE.BIN',
  '.npm',
  '.pnpm-store',
  '.yarn',
  '.gradle',
  '.m2',
  '.rustup',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.next',
  '.nuxt',
  '.turbo',
  '.parcel-cache',
  '.terraform',
  '.ipython',
  // Chromium/Electron browser caches (also inside app data dirs of AI desktop apps).
  'Cache',
  'Code Cache',
  'GPUCache',
  'CacheStorage',
  'Service Worker',
  'ShaderCache',
  'GrShaderCache',
  'DawnCache',
  'blob_storage',
])

/** Directories whose children are pruned except the AI caches listed below. */
export const CACHE_PARENT_NAMES: ReadonlySet<string> = new Set(['.cache', 'Caches'])

/** Children of ~/.cache, ~/Library/Caches, %LOCALAPPDATA% caches that hold AI assets. */
export const AI_CACHE_NAMES: ReadonlySet<string> = new Set([
  'huggingface',
  'torch',
  'llama.cpp',
  'lm-studio',
  'gpt4all',
  'whisper',
  'keras',
  'vllm',
  'ollama',
  'mlx',
  'mlx_lm',
  'sentence_transformers',
  'pip-ai-models',
  'modelscope',
  'ms-playwright-ai',
  'diffusers',
  'clip',
  'open_clip',
  'tfhub_modules',
  'kagglehub',
  'nomic.ai',
  'com.lmstudio',
])

/**
 * The pruning rule a folder falls under (its name for a pruned name, `cache` for a non-AI cache
 * folder, `trash` for ~/.local/share/Trash), or undefined when the crawl enters it. The rule
 * names are what the scan's coverage counts report.
 */
export function pruneRule(name: string, parentName: string): string | undefined {
  if (PRUNED_DIR_NAMES.has(name)) return name
  if (CACHE_PARENT_NAMES.has(parentName) && !AI_CACHE_NAMES.has(name)) return 'cache'
  for (const [n, parent, rule] of PRUNED_PAIRS) if (name === n && parentName === parent) return rule
  return undefined
}

/** [name, parent name, rule]: a folder pruned only directly under a parent of that name. */
export const PRUNED_PAIRS: readonly (readonly [string, string, string])[] = [
  // ~/.local/share/Trash (the freedesktop trash).
  ['Trash', 'share', 'trash'],
]

export function isPrunedDir(name: string, parentName: string): boolean {
  return pruneRule(name, parentName) !== undefined
}
