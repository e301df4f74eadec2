import { parseTree } from 'jsonc-parser'
import { isPlaceholderValue } from '../../../secrets/index'
import type { DiscoveryContext } from '../../types'
import type { AssetLink, DetailValue } from '../../../types'
import { CONFIG_CAP_BYTES, readTextOrSkip } from '../../../util/fs'
import { markHandled } from '../util/handled'
import { LineIndex, NodeFinder } from '../util/lines'
import { parseConfig } from '../util/parse'
import type { ConfigFormat } from '../util/parse'
import {
  emitSecretHits,
  handedSecrets,
  isReference,
  looksSecretName,
  passOwnsSecrets,
  passSecretIds,
  redactUrl,
  scanSecrets,
  urlCredentialValues,
} from '../util/secrets'
import type { HandedValue } from '../util/secrets'
import { broadFilesystem, insecureRemote, runnerSpec, shellAccess, unwrapShell } from './checks'
import { inputsOf, serversOf } from './normalize'
import type { McpServer, McpShape } from './types'

/** One MCP configuration file to read: which client owns it, its layout and its scope. */
export type McpSource = Readonly<{
  client: string
  path: string
  format: ConfigFormat
  shape: McpShape
  /** `user`, `project:<dir>`, `workspace:<dir>`, `managed`, ... (`local:<dir>` is derived). */
  scope: string
  /** Read cap for this file (defaults to CONFIG_CAP_BYTES). */
  maxBytes?: number
}>

/**
 * Servers inventoried per config file. Real configs hold tens of servers; a file with thousands
 * is generated or hostile, and each server costs secret scans and assets. Past the cap the rest
 * are reported by one mcp.too-many-servers finding (the file's keys are still all scanned).
 */
export const MAX_SERVERS_PER_CONFIG = 2000

/** Where a server's entry sits in the file: its line, and the span its values are searched in. */
type ServerSpan = Readonly<{ line: number | undefined; from: number; end: number }>

/**
 * Locates each server once, in time linear in the file overall: JSON through one parse tree whose
 * objects are key-indexed on first use, other formats (and JSON keys the tree lacks) by searching
 * for the name from the previous server on, as entries are written in document order.
 */
function spanFinder(lines: LineIndex, format: ConfigFormat): (s: McpServer) => ServerSpan {
  const text = lines.text
  let cursor = 0
  const byName = (s: McpServer): ServerSpan => {
    let i = lines.find(s.name, cursor)
    if (i < 0 && cursor > 0) i = lines.find(s.name, 0)
    if (i < 0) return { line: undefined, from: 0, end: text.length }
    if (i >= cursor) cursor = i + s.name.length
    return { line: lines.lineAt(i), from: i, end: text.length }
  }
  if (format !== 'json' && format !== 'jsonc') return byName
  const nodes = new NodeFinder(parseTree(text, [], { allowTrailingComma: true }))
  return (s) => {
    const node = nodes.find(s.keyPath)
    if (!node) return byName(s)
    // The property node's parent holds the key, one line above the value's `{` in most files.
    const at = node.parent?.type === 'property' ? node.parent.offset : node.offset
    return { line: lines.lineAt(at), from: at, end: node.offset + node.length }
  }
}

/**
 * A flag that takes a credential: its name holds a secret word (`--api-key`, `--mistral-api-key`,
 * `--secret-key`, `--auth-token`, `-p`assword forms), `key` only as a whole word (`--keyboard` is
 * not one).
 */
const SECRET_FLAG =
  /^--?(?:[\w-]*(?:api[-_]?key|apikey|token|secret|passw(?:or)?d|pwd|auth|credential)[\w-]*|(?:[\w-]+[-_])?key(?:[-_][\w-]+)?)$/i

/** Whether a value holds a credential any row recognises (AI providers or services agents use). */
function holdsSecret(ctx: DiscoveryContext, value: string, path: string): boolean {
  try {
    return ctx.secrets.scanText(value, { path, kind: 'text', scope: 'agent' }).length > 0
  } catch {
    return false
  }
}

/**
 * Args kept in the inventory, with anything that is or follows a secret flag redacted, and any
 * argument holding a credential replaced (a connection URL keeps its scheme and host).
 */
function redactArgs(ctx: DiscoveryContext, args: readonly string[], path: string): string[] {
  return args.map((a, i) => {
    const eq = a.indexOf('=')
    if (
      a.startsWith('-') &&
      eq > 0 &&
      SECRET_FLAG.test(a.slice(0, eq)) &&
      !isReference(a.slice(eq + 1))
    )
      return `${a.slice(0, eq)}=[redacted]`
    if (i > 0 && SECRET_FLAG.test(args[i - 1]!) && !isReference(a)) return '[redacted]'
    if (!holdsSecret(ctx, a, path)) return a
    return /^[a-z][a-z0-9+.-]*:\/\/[^/\s]*@/i.test(a)
      ? (redactUrl(a) ?? '[redacted]')
      : '[redacted]'
  })
}

/**
 * The URL kept in the inventory: no userinfo or key-ish query value, no path that holds a key.
 * Hosted MCP endpoints often carry the account's token as a path segment (`/mcp/<token>/sse`) in
 * a format no key rule knows: a long segment that mixes letters and digits goes too.
 */
function safeUrl(ctx: DiscoveryContext, url: string | undefined, path: string): string | null {
  const r = redactUrl(url)
  if (r === undefined) return null
  if (!holdsSecret(ctx, r, path)) return redactTokenSegments(r)
  try {
    return `${new URL(r).origin}/[redacted]`
  } catch {
    return '[redacted]'
  }
}

function redactTokenSegments(url: string): string {
  try {
    const u = new URL(url)
    const parts = u.pathname.split('/')
    const kept = parts.map((p) =>
      p.length >= 20 && /^[\w.~%-]+$/.test(p) && /\d/.test(p) && /[A-Za-z]/.test(p)
        ? '[redacted]'
        : p,
    )
    if (kept.every((p, i) => p === parts[i])) return url
    u.pathname = kept.join('/')
    return u.toString().replaceAll('%5Bredacted%5D', '[redacted]')
  } catch {
    return url
  }
}

/** Literal values (not references, not paths or flags) held under secret-looking names. */
function literalSecretKeys(map: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(map)
    .filter(
      ([k, v]) =>
        looksSecretName(k) &&
        typeof v === 'string' &&
        v.trim().length >= 8 &&
        !isReference(v) &&
        !isPlaceholderValue(v) &&
        !/^(\/|~|[a-z]:\\|\.\.?\/)/i.test(v) &&
        !/^(true|false|\d+)$/i.test(v),
    )
    .map(([k]) => k)
}

/**
 * Reads one client config and emits one `mcp-server` asset per server, `secret` assets for keys
 * written in it (linked from the servers that hold them), and findings. Never starts a server.
 * Returns the number of servers found, or undefined when the file was missing or unreadable.
 */
export async function analyzeMcpConfig(
  ctx: DiscoveryContext,
  src: McpSource,
): Promise<number | undefined> {
  const text = await readTextOrSkip(ctx, src.path, src.maxBytes ?? CONFIG_CAP_BYTES)
  if (text === undefined) return undefined
  // settings.json of an editor is only an MCP config when it has an "mcp" block.
  if (src.shape === 'vscode-settings' && !/"mcp"\s*:/.test(text)) return 0
  // Not claimed: a claim would also hide the file from the secrets pass (see passOwnsSecrets).
  markHandled(ctx, src.path)
  const parsed = parseConfig(text, src.format)
  if (!parsed.ok) {
    ctx.emitFinding({
      ruleId: 'tools.config-invalid',
      message: `${src.client} MCP configuration is not valid ${src.format.toUpperCase()}: ${parsed.error}`,
      path: src.path,
    })
    return 0
  }
  const servers = serversOf(src.shape, parsed.value, src.scope)
  const inputs = inputsOf(parsed.value, src.shape)
  // Scan the way the secrets pass will (same kind, same decoy rules) so links hit its assets.
  const passKind = passOwnsSecrets(ctx, src.path)
  const fileHits = scanSecrets(
    ctx,
    text,
    src.path,
    passKind ?? (src.format === 'jsonc' ? 'json' : src.format),
  )
  const secretIds =
    passKind !== undefined
      ? passSecretIds(fileHits, src.path)
      : emitSecretHits(ctx, fileHits, src.path, src.client, `${src.client} config`)
  if (servers.length > MAX_SERVERS_PER_CONFIG)
    ctx.emitFinding({
      ruleId: 'mcp.too-many-servers',
      message: `${src.client} MCP configuration declares ${servers.length} servers: only the first ${MAX_SERVERS_PER_CONFIG} (the cap per file) were inventoried and checked`,
      path: src.path,
    })
  const lines = new LineIndex(text)
  const spanOf = spanFinder(lines, src.format)
  for (const s of servers.slice(0, MAX_SERVERS_PER_CONFIG))
    emitServer(ctx, src, lines, s, spanOf(s), secretIds, inputs)
  return servers.length
}

function emitServer(
  ctx: DiscoveryContext,
  src: McpSource,
  lines: LineIndex,
  s: McpServer,
  span: ServerSpan,
  secretIds: Map<string, string>,
  inputs: readonly { id: string; password: boolean }[],
): void {
  // Each env/header value, argument and URL is scanned alone so a hit is tied to this server and
  // reported at the value's own line.
  const line = span.line
  const at = line ?? 1
  const valueLine = (v: string): number => lines.valueLine(v, span.from, span.end, at)
  const values: HandedValue[] = []
  for (const [k, v] of [...Object.entries(s.env), ...Object.entries(s.headers)])
    if (typeof v === 'string') values.push({ name: k, value: v, line: valueLine(v) })
  s.args.forEach((a, i) => {
    const eq = a.indexOf('=')
    const flag = a.startsWith('-') && eq > 0 ? a.slice(0, eq) : i > 0 ? s.args[i - 1]! : 'arg'
    const value = a.startsWith('-') && eq > 0 ? a.slice(eq + 1) : a
    values.push({
      name: SECRET_FLAG.test(flag) ? flag : 'arg',
      value,
      line: valueLine(a),
    })
  })
  values.push(...urlCredentialValues(s.url, s.url ? valueLine(s.url) : at))
  const handed = handedSecrets(ctx, values, {
    path: src.path,
    kind: passOwnsSecrets(ctx, src.path) ?? (src.format === 'jsonc' ? 'json' : src.format),
    source: src.client,
    where: `${src.client} config`,
    handedTo: `MCP server "${s.name}" (${src.client}, ${s.scope})`,
    known: secretIds,
  })
  const links: AssetLink[] = handed.ids.map((to) => ({ to, relation: 'uses-secret' }))
  const scanned = handed.names.filter((n) => n !== 'arg' && n !== 'url')
  const literalKeys = [
    ...new Set([...scanned, ...literalSecretKeys(s.env), ...literalSecretKeys(s.headers)]),
  ]
  const inner = unwrapShell(s.command, s.args)
  const spec = runnerSpec(inner.command, inner.args)
  const usedInputs = inputs.filter((i) =>
    JSON.stringify([s.env, s.headers, s.args, s.url ?? '']).includes(`\${input:${i.id}}`),
  )
  const details: Record<string, DetailValue> = {
    client: src.client,
    configPath: src.path,
    scope: s.scope,
    name: s.name,
    transport: s.transport,
    command: s.command === undefined ? null : redactArgs(ctx, [s.command], src.path)[0]!,
    args: redactArgs(ctx, s.args, src.path),
    url: safeUrl(ctx, s.url, src.path),
    envKeys: Object.keys(s.env),
    headerKeys: Object.keys(s.headers),
    envRefs: s.envRefs,
    disabled: s.disabled,
    autoApprove: s.autoApprove,
    hasLiteralSecret: literalKeys.length > 0 || links.length > 0,
    line: line ?? null,
  }
  if (spec) details.packageRunner = { runner: spec.runner, package: spec.spec, pinned: spec.pinned }
  if (usedInputs.length > 0)
    details.inputs = usedInputs.map((i) => ({ id: i.id, password: i.password }))
  const assetId = ctx.emitAsset({
    kind: 'mcp-server',
    path: src.path,
    identity: `${src.client}:${s.scope}:${s.name}@${src.path}`,
    name: s.name,
    source: src.client,
    details,
    links,
  })
  const where = `MCP server "${s.name}" (${src.client}, ${s.scope})`
  const finding = (ruleId: string, message: string, severity?: 'low' | 'medium' | 'high'): void =>
    ctx.emitFinding({ ruleId, message, path: src.path, line, assetId, severity })
  if (literalKeys.length > 0 || links.length > 0)
    finding(
      'mcp.literal-secret',
      `${where} has a literal secret in ${literalKeys.length > 0 ? literalKeys.join(', ') : 'its arguments or URL'}`,
    )
  if (spec && !spec.pinned)
    finding(
      'mcp.unpinned-package',
      `${where} runs \`${spec.runner} ${spec.spec}\` without a pinned version`,
    )
  const host = insecureRemote(s.url)
  if (host) finding('mcp.remote-without-tls', `${where} connects to ${host} over plain HTTP`)
  const fs = broadFilesystem(s, spec, ctx.home)
  if (fs) finding('mcp.broad-filesystem-access', `${where}: ${fs}`)
  const sh = shellAccess(s, spec)
  if (sh) finding('mcp.shell-access', `${where} ${sh}`)
  if (s.autoApprove === 'all')
    finding('agent.auto-approve', `${where} has every tool auto-approved`)
  else if (s.autoApprove.length > 0)
    finding(
      'agent.auto-approve',
      `${where} auto-approves ${s.autoApprove.length} tool(s): ${s.autoApprove.slice(0, 10).join(', ')}`,
      'low',
    )
}
