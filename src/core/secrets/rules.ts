import type { Severity } from '../types'
import { AGENT_CREDENTIAL_ROWS } from './agent-rules'

/**
 * Detector table for AI provider keys, as data. Each row names its provider, so every hit is
 * attributed (there is deliberately no generic "high-entropy string" row).
 *
 * Pattern conventions, shared by every row (see `compile` below):
 * - the pattern text describes the key only; the matcher adds the boundaries: not preceded by a key
 *   character (unless that character is the `n`/`r`/`t` of a JSON escape such as `\n`), and not
 *   followed by a key character. So keys inside JSON strings match whether they are followed by `\"`,
 *   `\n` or a quote, which is where gitleaks' terminator class misses notebook keys.
 * - named group `body` is the random part; entropy, charset and placeholder checks run on it.
 * Shapes come from gitleaks, secretlint and trufflehog rules and vendor docs, summarised in
 * shared/reference/discovery.md section 4; prefixes without a public rule use the documented shape.
 */

/** Which character classes a real random body must mix (a real 40-char random key always does). */
export type SecretCharset =
  | 'hex'
  | 'base62'
  | 'letters'
  | 'lower-alnum'
  | 'base32'
  | 'base64'
  | 'base64url'
  /** A password chosen by a person (database URLs): no class mix required, defaults refused. */
  | 'password'

/**
 * Where a row applies. `ai` rows (the default) run on every file the secrets engine reads: they
 * are the AI provider keys the product is about. `agent` rows are the services AI agents are
 * given keys for (GitHub, Slack, databases, search APIs): a GitHub token in a project's `.env` is
 * not an AI asset, but the same token in an MCP server's `env` block, an agent's settings or an AI
 * tool's credential file is one, so these rows run only on text handed to an agent.
 */
export type SecretRuleScope = 'ai' | 'agent'

export type SecretRuleDef = Readonly<{
  id: string
  provider: string
  /** Key shape, without boundaries; must contain `(?<body>...)`. */
  pattern: string
  /** When true the row only matches within `window` characters after one of `keywords`. */
  requiresKeyword: boolean
  /** Lower-case keywords; for prefix rows they are informational. */
  keywords: readonly string[]
  /**
   * Literal prefixes a key starts with, case-sensitive: the row's regex runs only where one occurs
   * (prefix rows need at least one).
   */
  anchors?: readonly string[]
  minEntropy: number
  charset: SecretCharset
  /** Default severity before the location adjustment. */
  severity: Severity
  /** Characters after a keyword in which the key must start (keyword rows; default 80). */
  window?: number
  /** Extra context that must occur somewhere in the same text (lower-case), e.g. an Azure endpoint. */
  fileContext?: readonly string[]
  /** A keyword in the file path (lower-case) also satisfies `requiresKeyword` for the whole text. */
  pathContext?: boolean
  /** Default `ai`; see SecretRuleScope. */
  scope?: SecretRuleScope
  /** What the value is called in asset names and messages (`token`, `password`); default `key`. */
  label?: string
  /** The key itself is UUID-shaped (bare UUIDs are otherwise taken for identifiers, not keys). */
  uuidKey?: boolean
}>

const AI_KEY_ROWS: readonly SecretRuleDef[] = [
  // --- OpenAI ------------------------------------------------------------------------------
  {
    id: 'openai-admin',
    provider: 'OpenAI',
    pattern: 'sk-admin-(?<body>[A-Za-z0-9_-]{40,250})',
    requiresKeyword: false,
    keywords: ['openai'],
    anchors: ['sk-admin-'],
    minEntropy: 3.5,
    charset: 'base64url',
    severity: 'critical',
  },
  {
    id: 'openai-project',
    provider: 'OpenAI',
    pattern: 'sk-(?:proj|svcacct|service)-(?<body>[A-Za-z0-9_-]{40,250})',
    requiresKeyword: false,
    keywords: ['openai'],
    anchors: ['sk-proj-', 'sk-svcacct-', 'sk-service-'],
    minEntropy: 3.5,
    charset: 'base64url',
    severity: 'high',
  },
  {
    id: 'openai-legacy',
    provider: 'OpenAI',
    pattern: 'sk-(?<body>[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})',
    requiresKeyword: false,
    keywords: ['openai'],
    anchors: ['sk-'],
    minEntropy: 3.5,
    charset: 'base62',
    severity: 'high',
  },
  // --- Anthropic -----------------------------------------------------------------------------
  {
    id: 'anthropic-admin',
    provider: 'Anthropic',
    pattern: 'sk-ant-admin\\d{2}-(?<body>[A-Za-z0-9_-]{80,128})',
    requiresKeyword: false,
    keywords: ['anthropic'],
    anchors: ['sk-ant-admin'],
    minEntropy: 3.5,
    charset: 'base64url',
    severity: 'critical',
  },
  {
    id: 'anthropic-api',
    provider: 'Anthropic',
    pattern: 'sk-ant-api\\d{2}-(?<body>[A-Za-z0-9_-]{80,128})',
    requiresKeyword: false,
    keywords: ['anthropic'],
    anchors: ['sk-ant-api'],
    minEntropy: 3.5,
    charset: 'base64url',
    severity: 'high',
  },
  {
    // Claude Code OAuth access/refresh tokens: no public rule; generic sk-ant-<word><nn>- shape.
    id: 'anthropic-oauth',
    provider: 'Anthropic',
    pattern: 'sk-ant-(?:oat|ort)\\d{2}-(?<body>[A-Za-z0-9_-]{60,160})',
    requiresKeyword: false,
    keywords: ['claude'],
    anchors: ['sk-ant-oat', 'sk-ant-ort'],
    minEntropy: 3.5,
    charset: 'base64url',
    severity: 'high',
  },
  // --- Hugging Face --------------------------------------------------------------------------
  {
    id: 'huggingface-token',
    provider: 'Hugging Face',
    pattern: 'hf_(?<body>[A-Za-z0-9]{34})',
    requiresKeyword: false,
    keywords: ['huggingface', 'hf_token'],
    anchors: ['hf_'],
    minEntropy: 3.5,
    charset: 'letters',
    severity: 'high',
  },
  {
    id: 'huggingface-org',
    provider: 'Hugging Face',
    pattern: 'api_org_(?<body>[A-Za-z0-9]{34})',
    requiresKeyword: false,
    keywords: ['huggingface'],
    anchors: ['api_org_'],
    minEntropy: 3.5,
    charset: 'letters',
    severity: 'high',
  },
  // --- Google AI / Gemini (AIza cannot be told apart from Maps/Firebase keys: medium) ------------
  {
    id: 'google-api-key',
    provider: 'Google AI',
    pattern: 'AIza(?<body>[A-Za-z0-9_-]{35})',
    requiresKeyword: false,
    keywords: ['gemini', 'google'],
    anchors: ['AIza'],
    minEntropy: 3.5,
    charset: 'base64url',
    severity: 'medium',
  },
  // --- Inference providers with distinctive prefixes -------------------------------------------
  {
    id: 'groq',
    provider: 'Groq',
    pattern: 'gsk_(?<body>[A-Za-z0-9]{52})',
    requiresKeyword: false,
    keywords: ['groq'],
    anchors: ['gsk_'],
    minEntropy: 3.5,
    charset: 'base62',
    severity: 'high',
  },
  {
    id: 'replicate',
    provider: 'Replicate',
    pattern: 'r8_(?<body>[A-Za-z0-9_-]{37})',
    requiresKeyword: false,
    keywords: ['replicate'],
    anchors: ['r8_'],
    minEntropy: 3.5,
    charset: 'base62',
    severity: 'high',
  },
  {
    id: 'perplexity',
    provider: 'Perplexity',
    pattern: 'pplx-(?<body>[A-Za-z0-9]{48})',
    requiresKeyword: false,
    keywords: ['perplexity'],
    anchors: ['pplx-'],
    minEntropy: 3.5,
    charset: 'base62',
    severity: 'high',
  },
  {
    id: 'xai',
    provider: 'xAI',
    pattern: 'xai-(?<body>[A-Za-z0-9_]{80})',
    requiresKeyword: false,
    keywords: ['xai', 'grok'],
    anchors: ['xai-'],
    minEntropy: 3.5,
    charset: 'base62',
    severity: 'high',
  },
  {
    id: 'openrouter',
    provider: 'OpenRouter',
    pattern: 'sk-or-v1-(?<body>[a-f0-9]{64})',
    requiresKeyword: false,
    keywords: ['openrouter'],
    anchors: ['sk-or-v1-'],
    minEntropy: 3,
    charset: 'hex',
    severity: 'high',
  },
  {
    id: 'langsmith',
    provider: 'LangSmith',
    pattern: 'lsv2_(?:pt|sk)_(?<body>[a-f0-9]{32}_[a-f0-9]{10})',
    requiresKeyword: false,
    keywords: ['langsmith', 'langchain'],
    anchors: ['lsv2_'],
    minEntropy: 3,
    charset: 'hex',
    severity: 'high',
  },
  {
    id: 'pinecone',
    provider: 'Pinecone',
    pattern: 'pcsk_[A-Za-z0-9]{5,6}_(?<body>[A-Za-z0-9]{63})',
    requiresKeyword: false,
    keywords: ['pinecone'],
    anchors: ['pcsk_'],
    minEntropy: 3.5,
    charset: 'base62',
    severity: 'high',
  },
  {
    id: 'elevenlabs',
    provider: 'ElevenLabs',
    pattern: 'sk_(?<body>[a-f0-9]{48})',
    requiresKeyword: false,
    keywords: ['elevenlabs'],
    anchors: ['sk_'],
    minEntropy: 3,
    charset: 'hex',
    severity: 'high',
  },
  {
    id: 'tavily',
    provider: 'Tavily',
    pattern: 'tvly-(?:dev-|prod-)?(?<body>[A-Za-z0-9]{32})',
    requiresKeyword: false,
    keywords: ['tavily'],
    anchors: ['tvly-'],
    minEntropy: 3.5,
    charset: 'base62',
    severity: 'high',
  },
  {
    id: 'nvidia-nvapi',
    provider: 'NVIDIA',
    pattern: 'nvapi-(?<body>[A-Za-z0-9_-]{64})',
    requiresKeyword: false,
    keywords: ['nvidia'],
    anchors: ['nvapi-'],
    minEntropy: 3.5,
    charset: 'base64url',
    severity: 'high',
  },
  {
    id: 'together-v1',
    provider: 'Together AI',
    pattern: 'tgp_v1_(?<body>[A-Za-z0-9_-]{40,48})',
    requiresKeyword: false,
    keywords: ['together'],
    anchors: ['tgp_v1_'],
    minEntropy: 3.5,
    charset: 'base64url',
    severity: 'high',
  },
  {
    id: 'fireworks-prefixed',
    provider: 'Fireworks AI',
    pattern: 'fw_(?<body>[A-Za-z0-9]{24,48})',
    requiresKeyword: false,
    keywords: ['fireworks'],
    anchors: ['fw_'],
    minEntropy: 3.5,
    charset: 'base62',
    severity: 'high',
  },
  {
    id: 'cerebras',
    provider: 'Cerebras',
    pattern: 'csk-(?<body>[a-z0-9]{48})',
    requiresKeyword: false,
    keywords: ['cerebras'],
    anchors: ['csk-'],
    minEntropy: 3.5,
    charset: 'lower-alnum',
    severity: 'high',
  },
  // --- AWS (Bedrock) --------------------------------------------------------------------------
  {
    id: 'aws-bedrock-api-key',
    provider: 'AWS Bedrock',
    pattern: 'ABSK(?<body>[A-Za-z0-9+/]{109,269}={0,2})',
    requiresKeyword: false,
    keywords: ['bedrock'],
    anchors: ['ABSK'],
    minEntropy: 3.5,
    charset: 'base64',
    severity: 'high',
  },
  {
    id: 'aws-bedrock-short-term',
    provider: 'AWS Bedrock',
    pattern: 'bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t(?<body>[A-Za-z0-9+/=%&]{40,2000})',
    requiresKeyword: false,
    keywords: ['bedrock'],
    anchors: ['bedrock-api-key-'],
    minEntropy: 3.5,
    charset: 'base64',
    severity: 'high',
  },
  {
    id: 'aws-secret-access-key',
    provider: 'AWS',
    pattern: '(?<body>[A-Za-z0-9/+]{40})',
    requiresKeyword: true,
    keywords: ['aws_secret_access_key', 'aws-secret-access-key', 'secretaccesskey'],
    minEntropy: 3.5,
    charset: 'base64',
    severity: 'high',
    window: 40,
  },
  {
    // An access key id alone cannot sign requests, but it names the account and pairs with a secret.
    id: 'aws-access-key-id',
    provider: 'AWS',
    pattern: '(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)(?<body>[A-Z2-7]{16})',
    requiresKeyword: false,
    keywords: ['aws'],
    anchors: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'],
    minEntropy: 2.5,
    charset: 'base32',
    severity: 'medium',
  },
  // --- Keyword (name-based) rows: the value shape alone is too common --------------------------
  {
    id: 'azure-openai',
    provider: 'Azure OpenAI',
    pattern: '(?<body>[a-f0-9]{32}|[A-Za-z0-9]{84})',
    requiresKeyword: true,
    keywords: ['api_key', 'api-key', 'apikey', 'api.key', 'openai_key', 'openai-key', 'azure'],
    fileContext: ['.openai.azure.com', '.cognitiveservices.azure.com'],
    minEntropy: 3,
    charset: 'hex',
    severity: 'high',
    window: 60,
  },
  {
    id: 'deepseek',
    provider: 'DeepSeek',
    pattern: 'sk-(?<body>[a-z0-9]{32})',
    requiresKeyword: true,
    keywords: ['deepseek'],
    minEntropy: 3,
    charset: 'lower-alnum',
    severity: 'high',
  },
  {
    id: 'mistral',
    provider: 'Mistral AI',
    pattern: '(?<body>[A-Za-z0-9]{32})',
    requiresKeyword: true,
    keywords: ['mistral'],
    minEntropy: 3.5,
    charset: 'base62',
    severity: 'high',
  },
  {
    id: 'cohere',
    provider: 'Cohere',
    pattern: '(?<body>[A-Za-z0-9]{40})',
    requiresKeyword: true,
    keywords: ['cohere', 'co_api_key'],
    minEntropy: 3.5,
    charset: 'base62',
    severity: 'high',
  },
  {
    id: 'together-legacy',
    provider: 'Together AI',
    pattern: '(?<body>[a-f0-9]{64})',
    requiresKeyword: true,
    keywords: ['together'],
    minEntropy: 3,
    charset: 'hex',
    severity: 'high',
  },
  {
    id: 'fireworks-named',
    provider: 'Fireworks AI',
    pattern: '(?<body>[A-Za-z0-9]{40,48})',
    requiresKeyword: true,
    keywords: ['fireworks'],
    minEntropy: 3.5,
    charset: 'base62',
    severity: 'high',
  },
  {
    id: 'voyage',
    provider: 'Voyage AI',
    pattern: 'pa-(?<body>[A-Za-z0-9_-]{40,50})',
    requiresKeyword: true,
    keywords: ['voyage'],
    minEntropy: 3.5,
    charset: 'base64url',
    severity: 'high',
  },
  {
    id: 'elevenlabs-v1',
    provider: 'ElevenLabs',
    pattern: '(?<body>[a-f0-9]{32})',
    requiresKeyword: true,
    keywords: ['elevenlabs', 'eleven_labs', 'xi-api-key', 'xi_api_key'],
    minEntropy: 3,
    charset: 'hex',
    severity: 'high',
  },
  {
    id: 'assemblyai',
    provider: 'AssemblyAI',
    pattern: '(?<body>[a-z0-9]{32})',
    requiresKeyword: true,
    keywords: ['assemblyai', 'assembly_ai', 'assembly-ai'],
    minEntropy: 3,
    charset: 'lower-alnum',
    severity: 'high',
  },
  {
    // `machine api.wandb.ai` / `login user` / `password <key>` spans several .netrc lines.
    id: 'wandb',
    provider: 'Weights & Biases',
    pattern: '(?<body>[a-f0-9]{40})',
    requiresKeyword: true,
    keywords: ['wandb'],
    minEntropy: 3,
    charset: 'hex',
    severity: 'high',
    window: 160,
  },
  {
    id: 'langfuse',
    provider: 'Langfuse',
    pattern: 'sk-lf-(?<body>[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})',
    requiresKeyword: true,
    keywords: ['langfuse'],
    minEntropy: 3,
    charset: 'hex',
    severity: 'high',
    window: 120,
  },
  {
    id: 'pinecone-legacy',
    provider: 'Pinecone',
    uuidKey: true,
    pattern: '(?<body>[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})',
    requiresKeyword: true,
    keywords: ['pinecone_api_key', 'pinecone-api-key', 'pineconeapikey'],
    minEntropy: 3,
    charset: 'hex',
    severity: 'high',
    window: 40,
  },
  {
    id: 'nvidia-ngc',
    provider: 'NVIDIA',
    pattern: '(?<body>[A-Za-z0-9]{84})',
    requiresKeyword: true,
    keywords: ['ngc_api_key', 'ngc_cli_api_key', 'ngc-api-key'],
    minEntropy: 3.5,
    charset: 'base62',
    severity: 'high',
  },
  {
    // Copilot stores a GitHub user-to-server / OAuth token (ghu_/gho_) in its own config files.
    id: 'github-copilot',
    provider: 'GitHub Copilot',
    pattern: 'gh[uo]_(?<body>[A-Za-z0-9]{36})',
    requiresKeyword: true,
    keywords: ['copilot', 'oauth_token'],
    minEntropy: 3.5,
    charset: 'base62',
    severity: 'high',
    window: 400,
    pathContext: true,
  },
]

/** Every detector row, AI provider rows first: the earliest row wins a span both match. */
export const SECRET_RULE_DEFS: readonly SecretRuleDef[] = [...AI_KEY_ROWS, ...AGENT_CREDENTIAL_ROWS]
