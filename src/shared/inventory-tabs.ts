/**
 * The Inventory screen's tabs and, per tab, the columns a row shows beyond the common ones.
 * One table, read by the query worker (which detail fields to send with each row, so a page
 * carries only what the screen shows) and by the renderer (headers, cells, widths).
 */
import type { AssetKind } from './types'

export type FactColumn = Readonly<{
  /** Key in AssetRow.facts. */
  id: string
  label: string
  /** Detail keys tried in order; the first present one is the value. */
  from: readonly string[]
  /** Paths, hashes, commands, key previews: monospace and middle-truncated. */
  mono?: boolean
  /** How the value is shown. */
  format?: 'bytes' | 'count' | 'bool' | 'list' | 'short-hash'
  width?: number
}>

export type InventoryTab = Readonly<{
  id: string
  label: string
  /** The tab strip's label (the Overview tiles use `label`). */
  short?: string
  kinds: readonly AssetKind[]
  /** Shown on an empty tab: what would appear here and where AI Scout looks. */
  empty: string
  /** Common columns in the order shown (name first). */
  columns: readonly (
    'name' | 'kind' | 'version' | 'format' | 'size' | 'source' | 'verdict' | 'findings' | 'path'
  )[]
  facts: readonly FactColumn[]
}>

export const INVENTORY_TABS: readonly InventoryTab[] = [
  {
    id: 'models',
    label: 'Models',
    kinds: ['model'],
    empty:
      'Model files and stores: Ollama, Hugging Face, LM Studio, GPT4All, llama.cpp, and loose GGUF, safetensors, PyTorch, ONNX and Keras files found by their content.',
    columns: ['name', 'format', 'size', 'verdict', 'findings', 'source', 'path'],
    facts: [
      {
        id: 'architecture',
        label: 'Architecture',
        from: ['architecture', 'modelType', 'family'],
        width: 120,
      },
      { id: 'quantization', label: 'Quant', from: ['quantization'], width: 90 },
    ],
  },
  {
    id: 'datasets',
    label: 'Datasets',
    kinds: ['dataset'],
    empty: 'Datasets in the Hugging Face datasets cache and dataset repos in the hub cache.',
    columns: ['name', 'version', 'size', 'source', 'path'],
    facts: [
      {
        id: 'files',
        label: 'Files',
        from: ['fileCount', 'storeFileCount'],
        format: 'count',
        width: 80,
      },
    ],
  },
  {
    id: 'notebooks',
    label: 'Notebooks',
    kinds: ['notebook'],
    empty: 'Jupyter notebooks, with the AI libraries they import and the models they reference.',
    columns: ['name', 'findings', 'path'],
    facts: [
      { id: 'kernel', label: 'Kernel', from: ['kernel'], width: 100 },
      { id: 'libraries', label: 'AI libraries', from: ['libraries'], format: 'list', width: 200 },
    ],
  },
  {
    id: 'keys',
    label: 'Keys',
    kinds: ['secret'],
    empty:
      'AI provider API keys in config files, .env files, shell histories and notebooks. Only a redacted preview and a fingerprint are ever kept.',
    columns: ['name', 'findings', 'path'],
    facts: [
      { id: 'provider', label: 'Provider', from: ['provider'], width: 130 },
      { id: 'redacted', label: 'Preview', from: ['redacted'], mono: true, width: 130 },
      {
        id: 'fingerprint',
        label: 'Fingerprint',
        from: ['fingerprint'],
        mono: true,
        format: 'short-hash',
        width: 120,
      },
      { id: 'line', label: 'Line', from: ['line'], format: 'count', width: 60 },
    ],
  },
  {
    id: 'tools',
    label: 'Tools & apps',
    short: 'Tools',
    kinds: ['tool', 'app'],
    empty: 'AI command-line tools on your PATH and in package managers, and AI desktop apps.',
    columns: ['name', 'kind', 'version', 'source', 'path'],
    facts: [
      { id: 'install', label: 'Installed via', from: ['installMethod', 'install'], width: 120 },
    ],
  },
  {
    id: 'extensions',
    label: 'IDE extensions',
    short: 'Extensions',
    kinds: ['ide-extension'],
    empty: 'AI assistant extensions in VS Code, Cursor, Windsurf, VSCodium and JetBrains IDEs.',
    columns: ['name', 'version', 'path'],
    facts: [
      { id: 'editor', label: 'Editor', from: ['editor'], width: 100 },
      { id: 'vendor', label: 'Vendor', from: ['vendor'], width: 110 },
    ],
  },
  {
    id: 'mcp',
    label: 'MCP servers',
    short: 'MCP',
    kinds: ['mcp-server'],
    empty:
      'MCP servers configured for Claude, Cursor, VS Code, Windsurf, Zed and other clients. Servers are never started.',
    columns: ['name', 'findings', 'path'],
    facts: [
      { id: 'client', label: 'Client', from: ['client'], width: 120 },
      { id: 'transport', label: 'Transport', from: ['transport'], width: 90 },
      { id: 'command', label: 'Command / URL', from: ['command', 'url'], mono: true, width: 170 },
    ],
  },
  {
    id: 'agents',
    label: 'Agent configs',
    short: 'Agents',
    kinds: ['agent-config'],
    empty:
      'Agent settings, hooks, rules and instruction files (CLAUDE.md, AGENTS.md, .cursorrules, …).',
    columns: ['name', 'findings', 'path'],
    facts: [
      { id: 'client', label: 'Client', from: ['client'], width: 110 },
      { id: 'type', label: 'Type', from: ['type'], width: 100 },
      { id: 'scope', label: 'Scope', from: ['scope'], width: 80 },
    ],
  },
  {
    id: 'platforms',
    label: 'AI platforms',
    short: 'Platforms',
    kinds: ['ai-platform'],
    empty:
      'Logins to AI platforms: AWS, Google Cloud, Azure, Databricks, Hugging Face, W&B and more (hosts and profile names only).',
    columns: ['name', 'findings', 'path'],
    facts: [{ id: 'platform', label: 'Platform', from: ['platform'], width: 120 }],
  },
  {
    id: 'python',
    label: 'Python',
    kinds: ['python-environment', 'package'],
    empty:
      'Python environments (venv, conda, pyenv, pipx, uv) and the AI packages installed in them.',
    columns: ['name', 'kind', 'version', 'findings', 'source', 'path'],
    facts: [
      { id: 'category', label: 'Category', from: ['category', 'manager'], width: 100 },
      {
        id: 'aiPackages',
        label: 'AI packages',
        from: ['aiPackageCount'],
        format: 'count',
        width: 100,
      },
    ],
  },
  {
    id: 'compute',
    label: 'Compute',
    kinds: ['compute'],
    empty: 'GPUs, NPUs, CPU and memory, and the CUDA, ROCm or Metal toolkits installed.',
    columns: ['name', 'path'],
    facts: [
      { id: 'gpus', label: 'GPUs', from: ['gpuCount'], format: 'count', width: 70 },
      {
        id: 'memory',
        label: 'Memory',
        from: ['memoryBytes', 'vramBytes'],
        format: 'bytes',
        width: 100,
      },
      { id: 'vendor', label: 'Vendor', from: ['vendor'], width: 100 },
    ],
  },
  {
    id: 'servers',
    label: 'Model servers',
    short: 'Servers',
    kinds: ['model-server'],
    empty:
      'Local model servers listening on this machine (Ollama, LM Studio, vLLM, Jupyter, …). No traffic is sent unless you allow it in Settings.',
    columns: ['name', 'findings', 'path'],
    facts: [
      { id: 'port', label: 'Port', from: ['port'], format: 'count', width: 70 },
      { id: 'exposed', label: 'Network', from: ['exposedToNetwork'], format: 'bool', width: 90 },
      { id: 'service', label: 'Service', from: ['service'], width: 110 },
    ],
  },
]

export const TAB_OF_KIND: Readonly<Record<AssetKind, string>> = Object.fromEntries(
  INVENTORY_TABS.flatMap((t) => t.kinds.map((k) => [k, t.id])),
) as Record<AssetKind, string>

export function tabById(id: string): InventoryTab | undefined {
  return INVENTORY_TABS.find((t) => t.id === id)
}

export const KIND_LABEL: Readonly<Record<AssetKind, string>> = {
  model: 'Model',
  dataset: 'Dataset',
  notebook: 'Notebook',
  secret: 'API key',
  tool: 'Tool',
  app: 'App',
  'ide-extension': 'IDE extension',
  'mcp-server': 'MCP server',
  'agent-config': 'Agent config',
  'ai-platform': 'AI platform',
  'python-environment': 'Python environment',
  package: 'Package',
  compute: 'Compute',
  'model-server': 'Model server',
}
