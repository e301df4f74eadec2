import type { Severity } from '../types'

/** What a candidate file is, as far as the secrets engine cares (decides parsing and severity). */
export type SecretFileKind =
  | 'dotenv'
  | 'shell-rc'
  | 'shell-history'
  | 'netrc'
  | 'aws-credentials'
  | 'tool-credentials'
  | 'hf-token'
  | 'json'
  | 'yaml'
  | 'toml'
  | 'ini'
  | 'notebook'
  | 'source'
  | 'text'

/** Where in the file the key sits: code, a notebook output, a comment, history, config or env. */
export type SecretWhere = 'code' | 'output' | 'comment' | 'history' | 'config' | 'env'

/** One detected key. It carries provider, location, redacted preview and fingerprint: never the value. */
export type SecretHit = Readonly<{
  /** Finding rule id (`secret.ai-api-key`, `secret.agent-credential`, `secret.identity-key`). */
  ruleId: string
  /** Detector row that matched (`openai-project`, `wandb`, ...): for tests and details. */
  detector: string
  provider: string
  /** What the value is called in names and messages (`token`, `password`); absent for an API key. */
  label?: string
  line: number
  column: number
  redacted: string
  fingerprint: string
  severity: Severity
  where: SecretWhere
  /** The scanned path (or pseudo path such as `env:OPENAI_API_KEY`). */
  path?: string
}>
