import {
  analyzeAgentProjectFile,
  AGENT_PROJECT_EXTENSIONS,
  AGENT_PROJECT_NAMES,
  isAgentProjectFile,
} from './agents/project'
import {
  analyzeMcpProjectFile,
  MCP_PROJECT_EXTENSIONS,
  MCP_PROJECT_NAMES,
  mcpProjectSource,
} from './mcp/project'
import type { FileAnalyzer } from '../types'
import { wasHandled } from './util/handled'

/**
 * Project-scope MCP configs and agent files the crawl finds (`.mcp.json`, `.cursor/mcp.json`,
 * `.claude/settings.json`, CLAUDE.md, AGENTS.md, `.cursor/rules/*.mdc`, skills, ...). One analyzer
 * so a file that is both (Codex config.toml, Gemini settings.json) is read by both parts once;
 * `accepts` routes on the path so the broad extensions cost one regex pass per candidate.
 */
const projectConfigs: FileAnalyzer = {
  id: 'ai-tool-project-configs',
  names: [...new Set([...MCP_PROJECT_NAMES, ...AGENT_PROJECT_NAMES])],
  extensions: [...new Set([...MCP_PROJECT_EXTENSIONS, ...AGENT_PROJECT_EXTENSIONS])],
  accepts: (path) => mcpProjectSource(path) !== undefined || isAgentProjectFile(path),
  async analyze(path, ctx) {
    // A user-scope locator already read it (e.g. ~/.cursor/mcp.json, ~/.claude/settings.json).
    if (ctx.isClaimed(path) || wasHandled(ctx, path)) return
    if (mcpProjectSource(path)) await analyzeMcpProjectFile(path, ctx)
    if (isAgentProjectFile(path)) await analyzeAgentProjectFile(path, ctx)
  },
}

/** File analyzers of this area, dispatched by the crawl by base name or extension. */
export const TOOLS_ANALYZERS: readonly FileAnalyzer[] = [projectConfigs]
