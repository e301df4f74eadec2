import type { PolicyEvaluator } from './types'

/** `/usr/local/bin/npx`, `C:\\...\\npx.cmd` and `NPX` all name the command `npx`. */
export function commandName(command: string): string {
  const base = command.trim().split(/[\\/]/).pop() ?? ''
  return base.replace(/\.(exe|cmd|bat|ps1)$/i, '').toLowerCase()
}

/** Forbidden MCP runners: MCP servers started with one of the listed commands. */
export const MCP_RUNNER_POLICY: PolicyEvaluator<'mcp-runner'> = {
  type: 'mcp-runner',
  ruleId: 'policy.mcp-runner',
  *evaluate(rule, ctx) {
    const forbidden = new Set(rule.commands.map((c) => c.toLowerCase()))
    for (const a of ctx.assets('mcp-server')) {
      const cmd = a.details.command
      if (typeof cmd !== 'string') continue
      const name = commandName(cmd)
      if (!forbidden.has(name)) continue
      const client = typeof a.details.client === 'string' ? ` (${a.details.client})` : ''
      yield {
        subject: a.id,
        assetId: a.id,
        path: a.path,
        ...(typeof a.details.line === 'number' ? { line: a.details.line } : {}),
        message: `MCP server "${a.name ?? '?'}"${client} is started with \`${name}\`, which the policy forbids`,
      }
    }
  },
}
