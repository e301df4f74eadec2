/** How a client lays out its servers in its config file. */
export type McpShape =
  | 'mcpServers'
  | 'claude-code'
  | 'vscode'
  | 'vscode-settings'
  | 'zed'
  | 'codex'
  | 'goose'
  | 'opencode'

/** One server entry, normalised across clients. Env/header values stay in memory only. */
export type McpServer = {
  name: string
  scope: string
  transport: string
  command?: string
  args: string[]
  url?: string
  /** Values are read only to look for literal secrets; they are never emitted. */
  env: Record<string, unknown>
  headers: Record<string, unknown>
  disabled: boolean
  /** Tools approved without a prompt: 'all', a list, or none. */
  autoApprove: 'all' | string[]
  /** Key path of the entry inside the document, for line numbers in JSON files. */
  keyPath: (string | number)[]
  /** Env var names that supply secrets by reference (Codex bearer_token_env_var, Goose env_keys). */
  envRefs: string[]
}
