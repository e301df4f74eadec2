import type { Locator } from '../types'

/** AI tools, apps, IDE extensions, MCP servers and agent configs, in probe order. */
export const TOOL_LOCATORS: readonly Locator[] = []
