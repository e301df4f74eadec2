import { basename } from 'node:path'
import type { DiscoveryContext } from '../../types'
import type { AssetLink, DetailValue, Severity } from '../../../types'
import { CONFIG_CAP_BYTES, readTextOrSkip } from '../../../util/fs'
import { isObj, obj, parseConfig, str, strArray } from '../util/parse'
import type { ConfigFormat, Obj } from '../util/parse'
import { markHandled } from '../util/handled'
import {
  emitSecretHits,
  handedSecrets,
  passOwnsSecrets,
  passSecretIds,
  scanSecrets,
} from '../util/secrets'
import { LineIndex } from '../util/lines'
import type { HandedValue } from '../util/secrets'
import type { AgentFileMeta } from './instructions'

type Hook = { event: string; matcher?: string; command: string }

/** Claude Code (`{Event: [{matcher, hooks: [{type, command}]}]}`) and Cursor (`{event: [{command}]}`) hooks. */
function hookCommands(hooks: unknown): Hook[] {
  const out: Hook[] = []
  for (const [event, list] of Object.entries(obj(hooks))) {
    if (!Array.isArray(list)) continue
    for (const entry of list) {
      if (!isObj(entry)) continue
      const direct = str(entry.command)
      if (direct) out.push({ event, command: direct })
      for (const h of Array.isArray(entry.hooks) ? entry.hooks : []) {
        const c = isObj(h) ? str(h.command) : undefined
        if (c && (h.type === undefined || h.type === 'command'))
          out.push({ event, matcher: str(entry.matcher), command: c })
      }
    }
  }
  return out
}

/** A command as stored in the inventory: shortened, and hidden entirely if it holds a key. */
function safeCommand(ctx: DiscoveryContext, cmd: string, path: string): string {
  if (scanSecrets(ctx, cmd, path, 'text', 'agent').length > 0) return '[command contains a secret]'
  return cmd.length > 200 ? `${cmd.slice(0, 197)}...` : cmd
}

type Emit = {
  ctx: DiscoveryContext
  path: string
  meta: AgentFileMeta
  line?: number
}

function find(
  e: Emit,
  assetId: string,
  ruleId: string,
  message: string,
  severity?: Severity,
): void {
  e.ctx.emitFinding({ ruleId, severity, message, path: e.path, assetId })
}

/** The file's `agent-config` asset: client, type and scope, then what this reader found. */
function emitConfigAsset(
  e: Emit,
  type: 'settings' | 'hooks',
  details: Readonly<Record<string, DetailValue>>,
  more: Readonly<{ identity?: string; links?: readonly AssetLink[] }> = {},
): string {
  const { ctx, path, meta } = e
  return ctx.emitAsset({
    kind: 'agent-config',
    path,
    ...(more.identity === undefined ? {} : { identity: more.identity }),
    name: basename(path),
    source: meta.client,
    details: { client: meta.client, type, scope: meta.scope, ...details },
    ...(more.links === undefined ? {} : { links: more.links }),
  })
}

async function load(
  ctx: DiscoveryContext,
  path: string,
  format: ConfigFormat,
  client: string,
): Promise<{ text: string; doc: Obj } | undefined> {
  const text = await readTextOrSkip(ctx, path, CONFIG_CAP_BYTES)
  if (text === undefined) return undefined
  const parsed = parseConfig(text, format)
  if (!parsed.ok) {
    ctx.emitFinding({
      ruleId: 'tools.config-invalid',
      message: `${client} settings are not valid ${format.toUpperCase()}: ${parsed.error}`,
      path,
    })
    return undefined
  }
  return { text, doc: obj(parsed.value) }
}

/**
 * String entries of a map as handed values, each at a line its text occurs on. One LineIndex per
 * file: a search per value from the top of the file made many values quadratic in its size.
 */
function namedValues(lines: LineIndex, map: Obj): HandedValue[] {
  return Object.entries(map).flatMap(([name, v]) =>
    typeof v === 'string' ? [{ name, value: v, line: lines.seekLine(v, 1) }] : [],
  )
}

const ALLOW_ALL_SHELL = /^(Bash|Bash\(\*\)|Bash\(\*:\*\)|Bash\(:\*\)|\*|Shell\(\*\)|Shell)$/

/**
 * Claude Code settings.json / settings.local.json (user, project, local or managed scope):
 * hooks and statusLine commands, permission allow-lists and modes, env key names.
 */
export async function analyzeClaudeSettings(
  ctx: DiscoveryContext,
  path: string,
  meta: AgentFileMeta,
): Promise<void> {
  const loaded = await load(ctx, path, 'json', meta.client)
  if (!loaded) return
  // Keys in `env` are the secrets pass's to report when it scans the file; linked either way.
  const passKind = passOwnsSecrets(ctx, path)
  markHandled(ctx, path)
  const { text, doc } = loaded
  const e: Emit = { ctx, path, meta }
  const perms = obj(doc.permissions)
  const allow = strArray(perms.allow)
  const hooks = hookCommands(doc.hooks)
  const status = obj(doc.statusLine)
  if (typeof status.command === 'string')
    hooks.push({ event: 'statusLine', command: status.command })
  const defaultMode = str(perms.defaultMode) ?? null
  const hits = scanSecrets(ctx, text, path, passKind ?? 'json')
  const secretIds =
    passKind !== undefined
      ? passSecretIds(hits, path)
      : emitSecretHits(ctx, hits, path, meta.client, `${meta.client} settings`)
  // `env` is what Claude Code hands every session and tool it runs: each value is a credential
  // the agent holds when any row or the generic fallback recognises it.
  const handed = handedSecrets(ctx, namedValues(new LineIndex(text), obj(doc.env)), {
    path,
    kind: passKind ?? 'json',
    source: meta.client,
    where: `${meta.client} settings`,
    handedTo: `${meta.client} sessions (settings env)`,
    known: secretIds,
  })
  const links: AssetLink[] = [...new Set([...secretIds.values(), ...handed.ids])].map((to) => ({
    to,
    relation: 'uses-secret',
  }))
  const details: Record<string, DetailValue> = {
    hooks: hooks.map((h) => ({
      event: h.event,
      matcher: h.matcher ?? null,
      command: safeCommand(ctx, h.command, path),
    })),
    allow: allow.slice(0, 100).map((a) => safeCommand(ctx, a, path)),
    denyCount: strArray(perms.deny).length,
    askCount: strArray(perms.ask).length,
    defaultMode,
    additionalDirectories: strArray(perms.additionalDirectories).slice(0, 50),
    envKeys: Object.keys(obj(doc.env)),
    apiKeyHelper: typeof doc.apiKeyHelper === 'string',
    enableAllProjectMcpServers: doc.enableAllProjectMcpServers === true,
  }
  if (typeof doc.model === 'string') details.model = doc.model
  const assetId = emitConfigAsset(e, 'settings', details, { links })
  const projectScope = meta.scope !== 'user' && meta.scope !== 'managed'
  for (const h of hooks)
    find(
      e,
      assetId,
      'agent.hook-runs-command',
      `${meta.client} ${h.event} hook runs \`${safeCommand(ctx, h.command, path)}\``,
      projectScope ? 'high' : undefined,
    )
  const broad = allow.filter((a) => ALLOW_ALL_SHELL.test(a.trim()))
  if (broad.length > 0)
    find(
      e,
      assetId,
      'agent.auto-approve',
      `permissions.allow lets every shell command run unasked (${broad.join(', ')})`,
    )
  if (defaultMode === 'bypassPermissions')
    find(e, assetId, 'agent.bypass-permissions', 'permissions.defaultMode is "bypassPermissions"')
  if (doc.skipDangerousModePermissionPrompt === true)
    find(e, assetId, 'agent.bypass-permissions', 'skipDangerousModePermissionPrompt is on', 'high')
  if (doc.enableAllProjectMcpServers === true)
    find(
      e,
      assetId,
      'agent.auto-approve',
      'every MCP server in a project .mcp.json is enabled without asking',
      'medium',
    )
}

/** Cursor hooks.json (`{"hooks": {event: [{command}]}}`). */
export async function analyzeHooksFile(
  ctx: DiscoveryContext,
  path: string,
  meta: AgentFileMeta,
): Promise<void> {
  const loaded = await load(ctx, path, 'json', meta.client)
  if (!loaded) return
  markHandled(ctx, path)
  const hooks = hookCommands(loaded.doc.hooks)
  const e: Emit = { ctx, path, meta }
  const assetId = emitConfigAsset(e, 'hooks', {
    hooks: hooks.map((h) => ({ event: h.event, command: safeCommand(ctx, h.command, path) })),
  })
  for (const h of hooks)
    find(
      e,
      assetId,
      'agent.hook-runs-command',
      `${meta.client} ${h.event} hook runs \`${safeCommand(ctx, h.command, path)}\``,
      meta.scope !== 'user' ? 'high' : undefined,
    )
}

/**
 * Codex config.toml: approval policy and sandbox (top level and per profile), trusted projects,
 * and the `notify` command. MCP servers in the same file are read by the MCP locator.
 */
export async function analyzeCodexConfig(
  ctx: DiscoveryContext,
  path: string,
  meta: AgentFileMeta,
): Promise<void> {
  const loaded = await load(ctx, path, 'toml', meta.client)
  if (!loaded) return
  markHandled(ctx, path)
  const { doc } = loaded
  const profiles: [string, Obj][] = [['default', doc]]
  for (const [name, p] of Object.entries(obj(doc.profiles))) if (isObj(p)) profiles.push([name, p])
  const notify = strArray(doc.notify)
  // Values Codex hands the commands it runs, and headers and tokens it sends to model providers.
  const providers = Object.entries(obj(doc.model_providers)).filter(([, p]) => isObj(p))
  const lines = new LineIndex(loaded.text)
  const handedValues = [
    ...namedValues(lines, obj(obj(doc.shell_environment_policy).set)),
    ...providers.flatMap(([, p]) => namedValues(lines, obj(obj(p).http_headers))),
    ...providers.flatMap(([, p]) =>
      namedValues(lines, { experimental_bearer_token: obj(p).experimental_bearer_token }),
    ),
  ]
  const passKind = passOwnsSecrets(ctx, path)
  const handed = handedSecrets(ctx, handedValues, {
    path,
    kind: passKind ?? 'toml',
    source: meta.client,
    where: `${meta.client} config`,
    handedTo: `${meta.client} (shell environment and model providers)`,
    known: passSecretIds(scanSecrets(ctx, loaded.text, path, passKind ?? 'toml'), path),
  })
  const trusted = Object.entries(obj(doc.projects))
    .filter(([, p]) => obj(p).trust_level === 'trusted')
    .map(([dir]) => dir)
  const e: Emit = { ctx, path, meta }
  const assetId = emitConfigAsset(
    e,
    'settings',
    {
      profiles: profiles.map(([name, p]) => ({
        name,
        approvalPolicy: str(p.approval_policy) ?? null,
        sandboxMode: str(p.sandbox_mode) ?? null,
      })),
      notify: notify.length > 0 ? safeCommand(ctx, notify.join(' '), path) : null,
      trustedProjects: trusted.slice(0, 100),
      model: str(doc.model) ?? null,
    },
    {
      identity: `agent-settings@${path}`,
      links: handed.ids.map((to) => ({ to, relation: 'uses-secret' })),
    },
  )
  for (const [name, p] of profiles) {
    const approval = str(p.approval_policy)
    const sandbox = str(p.sandbox_mode)
    const label = name === 'default' ? 'Codex' : `Codex profile "${name}"`
    if (approval === 'never' && sandbox === 'danger-full-access')
      find(
        e,
        assetId,
        'agent.bypass-permissions',
        `${label}: approval_policy "never" with sandbox_mode "danger-full-access"`,
      )
    else if (sandbox === 'danger-full-access')
      find(
        e,
        assetId,
        'agent.bypass-permissions',
        `${label}: sandbox_mode "danger-full-access" (no sandbox)`,
        'high',
      )
    else if (approval === 'never')
      find(
        e,
        assetId,
        'agent.auto-approve',
        `${label}: approval_policy "never" (commands run unasked inside the sandbox)`,
        'medium',
      )
  }
  if (notify.length > 0)
    find(
      e,
      assetId,
      'agent.hook-runs-command',
      `Codex notify runs \`${safeCommand(ctx, notify.join(' '), path)}\``,
    )
}

/** Gemini CLI settings.json: auto-accept of tool calls (MCP servers are read by the MCP locator). */
export async function analyzeGeminiSettings(
  ctx: DiscoveryContext,
  path: string,
  meta: AgentFileMeta,
): Promise<void> {
  const loaded = await load(ctx, path, 'json', meta.client)
  if (!loaded) return
  markHandled(ctx, path)
  const { doc } = loaded
  const tools = obj(doc.tools)
  const autoAccept = doc.autoAccept === true || tools.autoAccept === true
  const allowed = [...strArray(tools.allowed), ...strArray(doc.allowedTools)]
  const e: Emit = { ctx, path, meta }
  const assetId = emitConfigAsset(
    e,
    'settings',
    { autoAccept, allowedTools: allowed.slice(0, 100) },
    { identity: `agent-settings@${path}` },
  )
  if (autoAccept)
    find(
      e,
      assetId,
      'agent.auto-approve',
      'Gemini CLI auto-accepts tool calls it considers safe',
      'low',
    )
  const broad = allowed.filter((a) => /^(run_shell_command|ShellTool)$/.test(a.trim()))
  if (broad.length > 0)
    find(
      e,
      assetId,
      'agent.auto-approve',
      `Gemini CLI runs every shell command unasked (${broad.join(', ')})`,
    )
}
