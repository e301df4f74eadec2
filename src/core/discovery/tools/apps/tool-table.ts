/**
 * AI command-line tools: the binary names they install, and the npm / Python distributions that
 * own them (used to read a version from metadata instead of running the binary). discovery.md §2.
 */
export type ToolSpec = Readonly<{
  id: string
  name: string
  binaries: readonly string[]
  npm?: readonly string[]
  /** PEP 503-normalised distribution names (lower case, `-`). */
  pypi?: readonly string[]
  /** Argument that prints the version when `--run-versions` is on. */
  versionArg?: string
}>

export const AI_TOOLS: readonly ToolSpec[] = [
  { id: 'ollama', name: 'Ollama', binaries: ['ollama'] },
  {
    id: 'llama.cpp',
    name: 'llama.cpp',
    binaries: ['llama-server', 'llama-cli', 'llama-quantize', 'llama-bench'],
  },
  { id: 'lms', name: 'LM Studio CLI', binaries: ['lms'], versionArg: 'version' },
  {
    id: 'huggingface-cli',
    name: 'Hugging Face CLI',
    binaries: ['hf', 'huggingface-cli'],
    pypi: ['huggingface-hub'],
  },
  {
    id: 'claude-code',
    name: 'Claude Code',
    binaries: ['claude'],
    npm: ['@anthropic-ai/claude-code'],
  },
  { id: 'codex', name: 'OpenAI Codex CLI', binaries: ['codex'], npm: ['@openai/codex'] },
  { id: 'gemini-cli', name: 'Gemini CLI', binaries: ['gemini'], npm: ['@google/gemini-cli'] },
  {
    id: 'copilot-cli',
    name: 'GitHub Copilot CLI',
    binaries: ['copilot'],
    npm: ['@github/copilot'],
  },
  { id: 'cursor-agent', name: 'Cursor Agent CLI', binaries: ['cursor-agent'] },
  { id: 'opencode', name: 'opencode', binaries: ['opencode'], npm: ['opencode-ai'] },
  { id: 'qwen-code', name: 'Qwen Code', binaries: ['qwen'], npm: ['@qwen-code/qwen-code'] },
  { id: 'amp', name: 'Amp', binaries: ['amp'], npm: ['@sourcegraph/amp'] },
  { id: 'aider', name: 'aider', binaries: ['aider'], pypi: ['aider-chat'] },
  { id: 'llm', name: 'LLM (simonw)', binaries: ['llm'], pypi: ['llm'] },
  { id: 'goose', name: 'Goose', binaries: ['goose'] },
  { id: 'vllm', name: 'vLLM', binaries: ['vllm'], pypi: ['vllm'] },
  {
    id: 'mlx-lm',
    name: 'MLX LM',
    binaries: ['mlx_lm.generate', 'mlx_lm.server', 'mlx_lm.chat'],
    pypi: ['mlx-lm'],
  },
  { id: 'openai', name: 'OpenAI CLI', binaries: ['openai'], pypi: ['openai'] },
  {
    id: 'open-interpreter',
    name: 'Open Interpreter',
    binaries: ['interpreter'],
    pypi: ['open-interpreter'],
  },
  { id: 'litellm', name: 'LiteLLM proxy', binaries: ['litellm'], pypi: ['litellm'] },
  {
    id: 'mcp-inspector',
    name: 'MCP Inspector',
    binaries: ['mcp-inspector'],
    npm: ['@modelcontextprotocol/inspector'],
  },
]

/** npm globals reported even without a binary on PATH (SDKs and MCP servers installed globally). */
export const AI_NPM_PREFIXES: readonly string[] = [
  '@modelcontextprotocol/',
  '@anthropic-ai/',
  '@openai/',
  '@google/genai',
]
export const AI_NPM_PACKAGES: readonly string[] = [
  'openai',
  '@anthropic-ai/sdk',
  'ollama',
  'langchain',
  'ai',
]

export function normalizePypi(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-')
}

export function toolForBinary(bin: string): ToolSpec | undefined {
  const b = bin.toLowerCase().replace(/\.(exe|cmd|bat|ps1)$/, '')
  return AI_TOOLS.find((t) => t.binaries.includes(b))
}

export function toolForNpm(pkg: string): ToolSpec | undefined {
  return AI_TOOLS.find((t) => t.npm?.includes(pkg))
}

export function toolForPypi(dist: string): ToolSpec | undefined {
  const n = normalizePypi(dist)
  return AI_TOOLS.find((t) => t.pypi?.includes(n))
}

export function isAiNpmPackage(pkg: string): boolean {
  return (
    toolForNpm(pkg) !== undefined ||
    AI_NPM_PACKAGES.includes(pkg) ||
    AI_NPM_PREFIXES.some((p) => pkg.startsWith(p))
  )
}
