import { agentConfigLocator } from './agents/locator'
import { binariesLocator, claudeNativeLocator } from './apps/binaries'
import { desktopAppsLocator } from './apps/desktop-apps'
import { ghExtensionsLocator } from './apps/gh-extensions'
import { npmGlobalsLocator } from './apps/npm-globals'
import { pythonToolsLocator } from './apps/python-tools'
import { toolTracesLocator } from './apps/traces'
import { identityKeysLocator } from './identity-keys'
import { jetbrainsPluginsLocator } from './ide/jetbrains'
import { vscodeExtensionsLocator } from './ide/vscode'
import { mcpLocator } from './mcp/locator'
import type { Locator } from '../types'

/**
 * AI tools, apps, IDE extensions, MCP servers and agent configs, in probe order. Package-manager
 * locators run before the PATH probe so a binary that resolves into an npm package, a pipx venv
 * or a native install merges into the same asset (same identity) with its bin path added. The
 * traces locator comes last: its evidence joins the tool and app assets the others reported.
 */
export const TOOL_LOCATORS: readonly Locator[] = [
  desktopAppsLocator,
  npmGlobalsLocator,
  pythonToolsLocator,
  claudeNativeLocator,
  binariesLocator,
  ghExtensionsLocator,
  vscodeExtensionsLocator,
  jetbrainsPluginsLocator,
  mcpLocator,
  agentConfigLocator,
  identityKeysLocator,
  toolTracesLocator,
]
