import type { Severity } from '../types'

/**
 * A small bundled advisory table for AI Python packages. It is not a vulnerability database:
 * it covers the model-loading / deserialization / template-injection issues that matter most on
 * an AI developer's laptop. Each entry names where it comes from; confidence markers as in
 * /work/shared/reference/discovery.md: [src] primary advisory or the project reference notes,
 * [3p] third-party write-up citing NVD, [k] background knowledge, not re-verified here.
 */
export type Advisory = Readonly<{
  /** CVE id (preferred) or GHSA id. */
  id: string
  aliases?: readonly string[]
  /** PEP 503 normalised package names the advisory applies to (conda names included). */
  packages: readonly string[]
  /** Any range matching means affected (PEP 440 versions; see discovery's pep440.ts). */
  ranges: readonly Readonly<{ introduced?: string; fixed?: string; lastAffected?: string }>[]
  severity: Severity
  summary: string
  /** The first version without the issue, for the finding's fix text. */
  fixedIn?: string
}>

export const ADVISORIES: readonly Advisory[] = [
  // https://github.com/pytorch/pytorch/security/advisories/GHSA-53q9-r3pm-6pq6 [src: reference/model-scanning.md §3]
  {
    id: 'CVE-2025-32434',
    aliases: ['GHSA-53q9-r3pm-6pq6'],
    packages: ['torch', 'pytorch'],
    ranges: [{ fixed: '2.6.0' }],
    severity: 'critical',
    summary: 'torch.load(weights_only=True) can still execute code from a crafted checkpoint',
    fixedIn: '2.6.0',
  },
  // https://github.com/abetlen/llama-cpp-python/security/advisories/GHSA-56xg-wfcc-g829
  // [src: reference/model-scanning.md §3; fix PR abetlen/llama-cpp-python#1462; range k]
  {
    id: 'CVE-2024-34359',
    aliases: ['GHSA-56xg-wfcc-g829'],
    packages: ['llama-cpp-python'],
    ranges: [{ introduced: '0.2.30', fixed: '0.2.72' }],
    severity: 'critical',
    summary:
      'GGUF chat templates rendered by an unsandboxed Jinja2 environment (template injection, RCE)',
    fixedIn: '0.2.72',
  },
  // https://nvd.nist.gov/vuln/detail/CVE-2023-6730 (huntr report) [k]
  {
    id: 'CVE-2023-6730',
    packages: ['transformers'],
    ranges: [{ fixed: '4.36.0' }],
    severity: 'critical',
    summary: 'RagRetriever.from_pretrained unpickles untrusted index files',
    fixedIn: '4.36.0',
  },
  // https://nvd.nist.gov/vuln/detail/CVE-2023-7018 (huntr report) [k]
  {
    id: 'CVE-2023-7018',
    packages: ['transformers'],
    ranges: [{ fixed: '4.36.0' }],
    severity: 'critical',
    summary: 'TransfoXL tokenizer loads pickled corpus files from the Hub',
    fixedIn: '4.36.0',
  },
  // https://nvd.nist.gov/vuln/detail/CVE-2024-3568 [3p: aisecwatch.com, sentinelone.com; fixed version k]
  {
    id: 'CVE-2024-3568',
    packages: ['transformers'],
    ranges: [{ fixed: '4.38.0' }],
    severity: 'critical',
    summary: 'TFPreTrainedModel.load_repo_checkpoint calls pickle.load on checkpoint data',
    fixedIn: '4.38.0',
  },
  // https://nvd.nist.gov/vuln/detail/CVE-2026-4372 [3p: letsdatascience.com citing NVD, "4.56.0 to 5.2.x"]
  {
    id: 'CVE-2026-4372',
    packages: ['transformers'],
    ranges: [{ introduced: '4.56.0', fixed: '5.3.0' }],
    severity: 'critical',
    summary:
      'a crafted model config makes from_pretrained download and run code despite trust_remote_code=False',
    fixedIn: '5.3.0',
  },
  // https://github.com/vllm-project/vllm/security/advisories/GHSA-rh4j-5rhw-hr54 [k]
  {
    id: 'CVE-2025-24357',
    aliases: ['GHSA-rh4j-5rhw-hr54'],
    packages: ['vllm'],
    ranges: [{ fixed: '0.7.0' }],
    severity: 'high',
    summary: 'model weights loaded with torch.load without weights_only=True',
    fixedIn: '0.7.0',
  },
  // https://github.com/vllm-project/vllm/security/advisories/GHSA-hjq4-87xh-g4fv [3p: panziye.com, CVSS 9.8; range k]
  {
    id: 'CVE-2025-47277',
    aliases: ['GHSA-hjq4-87xh-g4fv'],
    packages: ['vllm'],
    ranges: [{ introduced: '0.6.5', fixed: '0.8.5' }],
    severity: 'critical',
    summary: 'PyNcclPipe KV-cache transfer unpickles data received over the network',
    fixedIn: '0.8.5',
  },
  // https://nvd.nist.gov/vuln/detail/CVE-2025-32444 (Mooncake integration, pickle over ZeroMQ) [k]
  {
    id: 'CVE-2025-32444',
    packages: ['vllm'],
    ranges: [{ introduced: '0.6.5', fixed: '0.8.5' }],
    severity: 'critical',
    summary: 'Mooncake integration unpickles data from ZeroMQ sockets listening on all interfaces',
    fixedIn: '0.8.5',
  },
  // https://nvd.nist.gov/vuln/detail/CVE-2025-62164 [3p: blog.qife122.com citing Wiz, "0.10.2 and later"; fix k]
  {
    id: 'CVE-2025-62164',
    packages: ['vllm'],
    ranges: [{ introduced: '0.10.2', fixed: '0.11.1' }],
    severity: 'high',
    summary:
      'prompt embeddings sent to the Completions API are deserialised with torch.load (memory corruption, RCE)',
    fixedIn: '0.11.1',
  },
  // https://nvd.nist.gov/vuln/detail/CVE-2023-1177 [k]
  {
    id: 'CVE-2023-1177',
    packages: ['mlflow', 'mlflow-skinny'],
    ranges: [{ fixed: '2.2.1' }],
    severity: 'critical',
    summary: 'tracking server local/remote file inclusion through crafted model versions',
    fixedIn: '2.2.1',
  },
  // https://nvd.nist.gov/vuln/detail/CVE-2023-2780 [k]
  {
    id: 'CVE-2023-2780',
    packages: ['mlflow', 'mlflow-skinny'],
    ranges: [{ fixed: '2.3.1' }],
    severity: 'critical',
    summary: 'path traversal in the tracking server (bypass of the CVE-2023-1177 fix)',
    fixedIn: '2.3.1',
  },
  // https://github.com/gradio-app/gradio/security/advisories/GHSA-6qm2-wpxq-7qh2 [k]
  {
    id: 'CVE-2023-51449',
    aliases: ['GHSA-6qm2-wpxq-7qh2'],
    packages: ['gradio'],
    ranges: [{ fixed: '4.11.0' }],
    severity: 'high',
    summary: 'path traversal lets a visitor of a shared Gradio app read files on the host',
    fixedIn: '4.11.0',
  },
  // https://nvd.nist.gov/vuln/detail/CVE-2024-1561 [k]
  {
    id: 'CVE-2024-1561',
    packages: ['gradio'],
    ranges: [{ fixed: '4.13.0' }],
    severity: 'high',
    summary: 'arbitrary file read through the component_server endpoint',
    fixedIn: '4.13.0',
  },
  // https://github.com/keras-team/keras/security/advisories/GHSA-48g7-3x6r-xfhp [src: reference/model-scanning.md §3; range k]
  {
    id: 'CVE-2025-1550',
    aliases: ['GHSA-48g7-3x6r-xfhp'],
    packages: ['keras'],
    ranges: [{ introduced: '3.0.0', fixed: '3.9.0' }],
    severity: 'critical',
    summary: 'Model.load_model runs arbitrary code from a .keras config even with safe_mode=True',
    fixedIn: '3.9.0',
  },
  // https://kb.cert.org/vuls/id/253266 [src: reference/model-scanning.md §3; range k]
  {
    id: 'CVE-2024-3660',
    packages: ['keras'],
    ranges: [{ fixed: '2.13.0' }],
    severity: 'critical',
    summary: 'Lambda layers in a loaded model run arbitrary code',
    fixedIn: '2.13.0',
  },
  // https://nvd.nist.gov/vuln/detail/CVE-2024-27318 [src: reference/model-scanning.md §3; range k]
  {
    id: 'CVE-2024-27318',
    packages: ['onnx'],
    ranges: [{ fixed: '1.16.0' }],
    severity: 'high',
    summary: 'external_data paths in a model escape the model directory (path traversal)',
    fixedIn: '1.16.0',
  },
  // https://nvd.nist.gov/vuln/detail/CVE-2022-25882 [src: reference/model-scanning.md §3; range k]
  {
    id: 'CVE-2022-25882',
    packages: ['onnx'],
    ranges: [{ fixed: '1.13.0' }],
    severity: 'high',
    summary: 'external_data paths in a model escape the model directory (path traversal)',
    fixedIn: '1.13.0',
  },
  // https://github.com/langchain-ai/langchain/security/advisories (langchain-core serialization injection) [k]
  {
    id: 'CVE-2025-68664',
    packages: ['langchain-core'],
    ranges: [{ fixed: '0.3.81' }, { introduced: '1.0.0', fixed: '1.2.5' }],
    severity: 'critical',
    summary:
      'dumps/loads serialization injection lets crafted data instantiate objects and leak secrets',
    fixedIn: '0.3.81 / 1.2.5',
  },
]

/** All advisory ids, for the rule table's `advisories` field. */
export const ADVISORY_IDS: readonly string[] = ADVISORIES.map((a) => a.id)
