/**
 * Which Python distributions count as AI packages, keyed by PEP 503 normalised name
 * (`re.sub(r"[-_.]+", "-", name).lower()`). Prefix entries (`langchain*`, `llama-index*`) cover
 * the split packages those projects publish (`langchain-openai`, `llama-index-core`, ...).
 * List source: /work/shared/reference/discovery.md §2 "Python and Node environments", plus the
 * packages named in the advisory table and common serving/UI stacks.
 */

export type AiPackageCategory =
  | 'framework'
  | 'model-tooling'
  | 'provider-sdk'
  | 'orchestration'
  | 'inference'
  | 'vector-store'
  | 'mlops'
  | 'ui'

type Entry = readonly [name: string, category: AiPackageCategory]

const EXACT: readonly Entry[] = [
  ['torch', 'framework'],
  ['pytorch', 'framework'], // conda package name of torch
  ['torchvision', 'framework'],
  ['torchaudio', 'framework'],
  ['tensorflow', 'framework'],
  ['tensorflow-cpu', 'framework'],
  ['tensorflow-macos', 'framework'],
  ['tf-keras', 'framework'],
  ['keras', 'framework'],
  ['jax', 'framework'],
  ['jaxlib', 'framework'],
  ['flax', 'framework'],
  ['mlx', 'framework'],
  ['onnx', 'framework'],
  ['onnxruntime', 'inference'],
  ['onnxruntime-gpu', 'inference'],
  ['lightning', 'framework'],
  ['pytorch-lightning', 'framework'],
  ['transformers', 'model-tooling'],
  ['diffusers', 'model-tooling'],
  ['accelerate', 'model-tooling'],
  ['peft', 'model-tooling'],
  ['trl', 'model-tooling'],
  ['bitsandbytes', 'model-tooling'],
  ['safetensors', 'model-tooling'],
  ['huggingface-hub', 'model-tooling'],
  ['tokenizers', 'model-tooling'],
  ['datasets', 'model-tooling'],
  ['sentence-transformers', 'model-tooling'],
  ['timm', 'model-tooling'],
  ['gguf', 'model-tooling'],
  ['openai', 'provider-sdk'],
  ['anthropic', 'provider-sdk'],
  ['google-genai', 'provider-sdk'],
  ['google-generativeai', 'provider-sdk'],
  ['google-cloud-aiplatform', 'provider-sdk'],
  ['mistralai', 'provider-sdk'],
  ['cohere', 'provider-sdk'],
  ['groq', 'provider-sdk'],
  ['together', 'provider-sdk'],
  ['fireworks-ai', 'provider-sdk'],
  ['replicate', 'provider-sdk'],
  ['voyageai', 'provider-sdk'],
  ['litellm', 'orchestration'],
  ['dspy', 'orchestration'],
  ['dspy-ai', 'orchestration'],
  ['crewai', 'orchestration'],
  ['autogen', 'orchestration'],
  ['pyautogen', 'orchestration'],
  ['haystack-ai', 'orchestration'],
  ['semantic-kernel', 'orchestration'],
  ['instructor', 'orchestration'],
  ['llm', 'orchestration'],
  ['aider-chat', 'orchestration'],
  ['mcp', 'orchestration'],
  ['fastmcp', 'orchestration'],
  ['vllm', 'inference'],
  ['sglang', 'inference'],
  ['llama-cpp-python', 'inference'],
  ['mlx-lm', 'inference'],
  ['ollama', 'inference'],
  ['gpt4all', 'inference'],
  ['ctransformers', 'inference'],
  ['exllamav2', 'inference'],
  ['text-generation', 'inference'],
  ['bentoml', 'inference'],
  ['chromadb', 'vector-store'],
  ['pinecone', 'vector-store'],
  ['pinecone-client', 'vector-store'],
  ['weaviate-client', 'vector-store'],
  ['qdrant-client', 'vector-store'],
  ['faiss-cpu', 'vector-store'],
  ['faiss-gpu', 'vector-store'],
  ['pymilvus', 'vector-store'],
  ['lancedb', 'vector-store'],
  ['wandb', 'mlops'],
  ['mlflow', 'mlops'],
  ['mlflow-skinny', 'mlops'],
  ['comet-ml', 'mlops'],
  ['clearml', 'mlops'],
  ['modal', 'mlops'],
  ['runpod', 'mlops'],
  ['databricks-sdk', 'mlops'],
  ['sagemaker', 'mlops'],
  ['azure-ai-ml', 'mlops'],
  ['gradio', 'ui'],
  ['streamlit', 'ui'],
  ['chainlit', 'ui'],
  ['open-webui', 'ui'],
]

/** Name prefixes (normalised, with the trailing dash) for package families. */
const PREFIXES: readonly Entry[] = [
  ['langchain', 'orchestration'], // langchain itself, plus langchain-* below
  ['langchain-', 'orchestration'],
  ['langgraph', 'orchestration'],
  ['langgraph-', 'orchestration'],
  ['langsmith', 'orchestration'],
  ['llama-index', 'orchestration'],
  ['llama-index-', 'orchestration'],
  ['openai-', 'provider-sdk'],
  ['anthropic-', 'provider-sdk'],
]

const BY_NAME: ReadonlyMap<string, AiPackageCategory> = new Map(EXACT)

/** PEP 503 normalisation. */
export function normalizeName(name: string): string {
  return name
    .trim()
    .replace(/[-_.]+/g, '-')
    .toLowerCase()
}

/** The AI category of a package, or `undefined` for non-AI packages. */
export function aiCategory(name: string): AiPackageCategory | undefined {
  const n = normalizeName(name)
  const exact = BY_NAME.get(n)
  if (exact) return exact
  for (const [p, cat] of PREFIXES) {
    if (p.endsWith('-') ? n.startsWith(p) : n === p) return cat
  }
  return undefined
}
