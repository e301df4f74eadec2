import type { Rule } from './types'

/** Rules raised by discovery (notebooks, MCP servers, agent configs, packages, model servers, stores). */
export const DISCOVERY_RULES: readonly Rule[] = []
