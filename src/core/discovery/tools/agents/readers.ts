import type { DiscoveryContext } from '../../types'
import type { AgentFileMeta } from './instructions'
import { analyzeInstructionFile } from './instructions'
import {
  analyzeClaudeSettings,
  analyzeCodexConfig,
  analyzeGeminiSettings,
  analyzeHooksFile,
} from './settings'

/** How an agent config file is read; user-level (locator) and project-level files share these. */
export type AgentFileReader = 'text' | 'claude-settings' | 'codex' | 'gemini' | 'hooks'

/** Reads one agent config file with its reader (assets and findings go to `ctx`). */
export async function readAgentFile(
  ctx: DiscoveryContext,
  reader: AgentFileReader,
  path: string,
  meta: AgentFileMeta,
): Promise<void> {
  switch (reader) {
    case 'text':
      await analyzeInstructionFile(ctx, path, meta)
      return
    case 'claude-settings':
      await analyzeClaudeSettings(ctx, path, meta)
      return
    case 'codex':
      await analyzeCodexConfig(ctx, path, meta)
      return
    case 'gemini':
      await analyzeGeminiSettings(ctx, path, meta)
      return
    case 'hooks':
      await analyzeHooksFile(ctx, path, meta)
      return
  }
}
