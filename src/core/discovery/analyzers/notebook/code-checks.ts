import type { Severity } from '../../../types'
import { redactUrl } from '../../tools/util/secrets'
import type { NotebookCell } from './parse'

/** A check hit inside one cell (line is 0-based within the cell). */
export type CodeHit = Readonly<{
  ruleId: string
  severity?: Severity
  cell: number
  cellLine: number
  message: string
}>

export type CodeFacts = Readonly<{
  libraries: string[]
  hfModelIds: string[]
  providerModels: string[]
  /** Ollama model references (`name:tag` or a bare name) passed as model= in a notebook that uses ollama. */
  ollamaModels: string[]
  datasetIds: string[]
  pipInstalls: string[]
  hits: CodeHit[]
}>

/** Top-level import name → library reported (prefix entries end with `*`). */
const AI_LIBRARIES: ReadonlyMap<string, string> = new Map([
  ['torch', 'torch'],
  ['torchvision', 'torchvision'],
  ['torchaudio', 'torchaudio'],
  ['transformers', 'transformers'],
  ['diffusers', 'diffusers'],
  ['accelerate', 'accelerate'],
  ['peft', 'peft'],
  ['trl', 'trl'],
  ['datasets', 'datasets'],
  ['tokenizers', 'tokenizers'],
  ['sentence_transformers', 'sentence-transformers'],
  ['huggingface_hub', 'huggingface_hub'],
  ['safetensors', 'safetensors'],
  ['bitsandbytes', 'bitsandbytes'],
  ['unsloth', 'unsloth'],
  ['openai', 'openai'],
  ['anthropic', 'anthropic'],
  ['mistralai', 'mistralai'],
  ['cohere', 'cohere'],
  ['groq', 'groq'],
  ['together', 'together'],
  ['replicate', 'replicate'],
  ['ollama', 'ollama'],
  ['litellm', 'litellm'],
  ['vertexai', 'vertexai'],
  ['llama_cpp', 'llama-cpp-python'],
  ['vllm', 'vllm'],
  ['mlx', 'mlx'],
  ['mlx_lm', 'mlx-lm'],
  ['tensorflow', 'tensorflow'],
  ['keras', 'keras'],
  ['jax', 'jax'],
  ['flax', 'flax'],
  ['onnx', 'onnx'],
  ['onnxruntime', 'onnxruntime'],
  ['sklearn', 'scikit-learn'],
  ['xgboost', 'xgboost'],
  ['lightgbm', 'lightgbm'],
  ['timm', 'timm'],
  ['spacy', 'spacy'],
  ['gguf', 'gguf'],
  ['tiktoken', 'tiktoken'],
  ['dspy', 'dspy'],
  ['guidance', 'guidance'],
  ['instructor', 'instructor'],
  ['autogen', 'autogen'],
  ['crewai', 'crewai'],
  ['haystack', 'haystack'],
  ['semantic_kernel', 'semantic-kernel'],
  ['chromadb', 'chromadb'],
  ['pinecone', 'pinecone'],
  ['weaviate', 'weaviate'],
  ['faiss', 'faiss'],
  ['qdrant_client', 'qdrant'],
  ['wandb', 'wandb'],
  ['mlflow', 'mlflow'],
  ['gradio', 'gradio'],
])

/** Dotted imports that matter below an unrelated top-level package. */
const DOTTED: readonly (readonly [string, string])[] = [
  ['google.generativeai', 'google-generativeai'],
  ['google.genai', 'google-genai'],
  ['google.cloud.aiplatform', 'google-cloud-aiplatform'],
]

function libraryFor(module: string): string | undefined {
  for (const [prefix, lib] of DOTTED)
    if (module === prefix || module.startsWith(prefix + '.')) return lib
  const top = module.split('.')[0] ?? ''
  if (top.startsWith('langchain')) return top.replace(/_/g, '-')
  if (top.startsWith('llama_index')) return 'llama-index'
  if (top.startsWith('langgraph')) return 'langgraph'
  return AI_LIBRARIES.get(top)
}

/** Drops a trailing `# comment` that is outside quotes (single-line strings only). */
export function stripComment(line: string): string {
  let q: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (q) {
      if (c === '\\') i++
      else if (c === q) q = undefined
    } else if (c === '"' || c === "'") q = c
    else if (c === '#') return line.slice(0, i)
  }
  return line
}

/** Text of a call's arguments from the `(` at `open` to its matching `)` (bounded). */
function callArgs(text: string, open: number, max = 4000): string {
  let depth = 0
  const end = Math.min(text.length, open + max)
  for (let i = open; i < end; i++) {
    const c = text[i]
    if (c === '(') depth++
    else if (c === ')' && --depth === 0) return text.slice(open + 1, i)
  }
  return text.slice(open + 1, end)
}

const HF_ID = /^[A-Za-z0-9][\w.-]{0,95}\/[A-Za-z0-9][\w.-]{0,95}$/
const FILE_EXT =
  /\.(?:csv|tsv|json|jsonl|txt|md|py|ipynb|pt|pth|bin|pkl|pickle|joblib|npz|npy|safetensors|gguf|onnx|h5|parquet|arrow|png|jpe?g|zip|tar|gz|yaml|yml)$/i
const PROVIDER_MODEL =
  /^(?:gpt-(?:3\.5|4|5)[\w.-]*|gpt-4o[\w.-]*|o[1-9](?:-(?:mini|preview|pro))?(?:-\d{4}-\d{2}-\d{2})?|chatgpt-4o[\w.-]*|text-embedding-[\w.-]+|text-davinci-\d+|davinci-\d+|claude-[\w.-]+|gemini-[\w.-]+|mistral-[\w.-]+|mixtral-[\w.-]+|codestral-[\w.-]+|command-r[\w.-]*|command-a[\w.-]*)$/
const STRING_LITERAL = /(?:^|[^\w])[rbuf]{0,2}(["'])((?:\\.|(?!\1).){1,200})\1/g
const HF_CALL =
  /\b(?:from_pretrained|pipeline|hf_hub_download|snapshot_download|SentenceTransformer|CrossEncoder|InferenceClient|HuggingFaceEndpoint|HuggingFaceEmbeddings|from_model_id|load_model|mlx_lm\.load|load)\s*\(/g
/** `llama3`, `llama3:8b`, `user/model:tag` as Ollama names them. */
const OLLAMA_REF = /^[a-z0-9][\w.-]*(?:\/[\w.-]+)?(?::[\w.-]+)?$/
const DATASET_CALL = /\bload_dataset\s*\(/g
const MODEL_KWARG =
  /\b(?:model|model_id|model_name|model_name_or_path|repo_id|base_model|pretrained_model_name_or_path|checkpoint|MODEL|MODEL_ID|MODEL_NAME|BASE_MODEL)\s*=\s*[rf]?["']([^"'\n]{1,200})["']/g

function isHfId(s: string): boolean {
  return (
    HF_ID.test(s) &&
    !FILE_EXT.test(s) &&
    !s.startsWith('.') &&
    !/^(?:https?|s3|gs)$/i.test(s.split('/')[0] ?? '')
  )
}

const LLM_CALL =
  /\.(?:chat\.completions|completions|responses|messages|beta\.chat\.completions)\.(?:create|parse)\s*\(|\.generate_content\s*\(|\bollama\.(?:chat|generate)\s*\(|\blitellm\.completion\s*\(|\bcompletion\s*\(|\.invoke\s*\(|\.ainvoke\s*\(|\bchain\.run\s*\(|\bllm\s*\(|\.complete\s*\(/
const SINK =
  /\b(?:eval|exec)\s*\(|\bsubprocess\.\w+\s*\(|\bos\.(?:system|popen|exec\w*|spawn\w*)\s*\(/g
const ASSIGN = /^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?:\+)?=(?!=)\s*(.+)$/
const PICKLE_LOAD =
  /\b(?:pickle|cPickle|_pickle|dill|cloudpickle|joblib)\.loads?\s*\(|\b(?:pd|pandas)\.read_pickle\s*\(/
const DOWNLOAD =
  /\b(?:requests\.get|httpx\.get|urlretrieve|urlopen|hf_hub_download|snapshot_download|gdown|wget|download_url|download_file)\b|!\s*(?:wget|curl)\b|https?:\/\//
const PIP_INSTALL = /^\s*[!%]\s*(?:pip3?|python3?\s+-m\s+pip|uv\s+pip|conda|mamba)\b.*\binstall\b/
const URL_SPEC = /(?:git\+[a-z]+:\/\/|https?:\/\/)\S+/gi

/** Joins a cell's code lines and keeps the offset of each line start for offset → line lookups. */
function joinLines(lines: readonly string[]): { text: string; starts: number[] } {
  const starts: number[] = []
  let text = ''
  for (const l of lines) {
    starts.push(text.length)
    text += stripComment(l) + '\n'
  }
  return { text, starts }
}

function lineOf(starts: readonly number[], offset: number): number {
  let i = 0
  while (i + 1 < starts.length && (starts[i + 1] ?? Infinity) <= offset) i++
  return i
}

function hasWord(text: string, names: ReadonlySet<string>): string | undefined {
  for (const m of text.matchAll(/[A-Za-z_]\w*/g)) if (names.has(m[0])) return m[0]
  return undefined
}

/**
 * Static checks over code cells in order (taint for LLM output carries across cells, as in a
 * notebook session). Pure text analysis: nothing is imported or run.
 */
export function analyzeCode(cells: readonly NotebookCell[]): CodeFacts {
  const libraries = new Set<string>()
  const hf = new Set<string>()
  const provider = new Set<string>()
  const datasets = new Set<string>()
  const pip: string[] = []
  const hits: CodeHit[] = []
  const ollamaRefs: string[] = []
  const tainted = new Set<string>()
  const code = cells.filter((c) => c.type === 'code')
  const downloads = code.some((c) => c.lines.some((l) => DOWNLOAD.test(stripComment(l))))
  for (const cell of code) {
    const { text, starts } = joinLines(cell.lines)
    const hit = (ruleId: string, offset: number, message: string, severity?: Severity) =>
      hits.push({ ruleId, cell: cell.index, cellLine: lineOf(starts, offset), message, severity })
    cell.lines.forEach((raw, i) => {
      const line = stripComment(raw)
      const imp = /^\s*import\s+(.+)$/.exec(line)
      if (imp?.[1])
        for (const part of imp[1].split(',')) {
          const lib = libraryFor(part.trim().split(/\s+/)[0] ?? '')
          if (lib) libraries.add(lib)
        }
      const from = /^\s*from\s+([\w.]+)\s+import\b/.exec(line)
      if (from?.[1]) {
        const lib = libraryFor(from[1])
        if (lib) libraries.add(lib)
      }
      if (PIP_INSTALL.test(line)) {
        for (const m of line.matchAll(URL_SPEC)) {
          // `git+https://user:token@host/...` must not carry its token into the inventory.
          const url = redactUrl(m[0].replace(/["']+$/, ''))!
          pip.push(url)
          const plain = /^(?:git\+)?http:\/\//i.test(url)
          hits.push({
            ruleId: 'notebook.pip-install-url',
            cell: cell.index,
            cellLine: i,
            severity: plain ? 'high' : undefined,
            message: `Installs a package from ${plain ? 'an unencrypted http URL' : 'a URL'}: ${url.slice(0, 200)}`,
          })
        }
      }
    })
    for (const m of text.matchAll(
      /\btrust_remote_code\s*=\s*True\b|["']trust_remote_code["']\s*:\s*True\b/g,
    ))
      hit(
        'notebook.trust-remote-code',
        m.index,
        'Loads with trust_remote_code=True: code from the model repository runs on load',
      )
    for (const m of text.matchAll(/\ballow_pickle\s*=\s*True\b/g))
      hit(
        'notebook.allow-pickle',
        m.index,
        'numpy load with allow_pickle=True can unpickle (run) embedded code',
      )
    for (const m of text.matchAll(/\btorch\.load\s*\(/g)) {
      const args = callArgs(text, m.index + m[0].length - 1)
      if (!/\bweights_only\s*=\s*True\b/.test(args))
        hit(
          'notebook.unsafe-torch-load',
          m.index,
          `torch.load(${args.trim().slice(0, 80)}) without weights_only=True unpickles the file`,
        )
    }
    for (const m of text.matchAll(new RegExp(PICKLE_LOAD.source, 'g')))
      hit(
        'notebook.pickle-load',
        m.index,
        downloads
          ? `${m[0].replace(/\s*\($/, '')} unpickles a file in a notebook that downloads files: a downloaded pickle runs its author's code`
          : `${m[0].replace(/\s*\($/, '')} unpickles a file: a pickle from elsewhere runs its author's code`,
        downloads ? 'high' : undefined,
      )
    for (const re of [HF_CALL, DATASET_CALL]) {
      for (const m of text.matchAll(re)) {
        const args = callArgs(text, m.index + m[0].length - 1, 1000)
        for (const s of args.matchAll(STRING_LITERAL)) {
          const v = s[2] ?? ''
          if (isHfId(v)) (re === DATASET_CALL ? datasets : hf).add(v)
        }
      }
    }
    for (const m of text.matchAll(MODEL_KWARG)) {
      if (m[1] && isHfId(m[1])) hf.add(m[1])
      else if (m[1] && OLLAMA_REF.test(m[1]) && !PROVIDER_MODEL.test(m[1])) ollamaRefs.push(m[1])
    }
    for (const m of text.matchAll(STRING_LITERAL))
      if (m[2] && PROVIDER_MODEL.test(m[2])) provider.add(m[2])
    // Taint: names assigned from an LLM call (or from a tainted name) hold model output.
    cell.lines.forEach((raw) => {
      const a = ASSIGN.exec(stripComment(raw))
      if (!a?.[1] || !a[2]) return
      if (LLM_CALL.test(a[2]) || hasWord(a[2], tainted))
        for (const n of a[1].split(',')) tainted.add(n.trim())
    })
    for (const m of text.matchAll(SINK)) {
      const args = callArgs(text, m.index + m[0].length - 1)
      const via = LLM_CALL.test(args) ? 'a model call' : hasWord(args, tainted)
      if (via)
        hit(
          'notebook.llm-output-exec',
          m.index,
          `${m[0].replace(/\s*\($/, '')}() runs text that comes from ${via === 'a model call' ? via : `model output (\`${via}\`)`}`,
        )
    }
  }
  return {
    libraries: [...libraries].sort(),
    hfModelIds: [...hf].sort(),
    ollamaModels:
      libraries.has('ollama') || libraries.has('langchain-ollama')
        ? [...new Set(ollamaRefs)].sort()
        : [],
    providerModels: [...provider].sort(),
    datasetIds: [...datasets].sort(),
    pipInstalls: pip,
    hits,
  }
}
