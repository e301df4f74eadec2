import { isObj, obj, str, strArray } from '../util/parse'
import type { Obj } from '../util/parse'
import type { McpServer, McpShape } from './types'

function transportOf(e: Obj, url: string | undefined, command: string | undefined): string {
  const t = (str(e.type) ?? str(e.transport) ?? '').toLowerCase().replace(/[_ ]/g, '-')
  if (t === 'streamablehttp' || t === 'streamable-http' || t === 'http') return 'http'
  if (t === 'sse' || t === 'stdio' || t === 'builtin' || t === 'platform') return t
  if (t === 'local') return 'stdio'
  if (t === 'remote') return url?.replace(/\/+$/, '').endsWith('/sse') ? 'sse' : 'http'
  if (command) return 'stdio'
  if (url) return url.replace(/\/+$/, '').endsWith('/sse') ? 'sse' : 'http'
  return t || 'unknown'
}

function autoApproveOf(e: Obj): 'all' | string[] {
  // Cline `autoApprove`, Roo/Kilo `alwaysAllow`, Gemini CLI `trust: true` (no confirmations).
  if (e.trust === true || e.autoApprove === true || e.alwaysAllow === true) return 'all'
  const list = [...strArray(e.autoApprove), ...strArray(e.alwaysAllow)]
  return list.includes('*') ? 'all' : list
}

/** The common `{command,args,env,url,headers}` entry used by most clients. */
function fromCommon(name: string, e: Obj, scope: string, keyPath: (string | number)[]): McpServer {
  const url = str(e.url) ?? str(e.serverUrl) ?? str(e.httpUrl) ?? str(e.uri)
  const command = str(e.command)
  return {
    name,
    scope,
    transport: transportOf(e, url, command),
    command,
    args: strArray(e.args),
    url,
    env: { ...obj(e.env) },
    headers: { ...obj(e.headers) },
    disabled: e.disabled === true || e.enabled === false,
    autoApprove: autoApproveOf(e),
    keyPath,
    envRefs: [],
  }
}

/** A map `{name: entry}` or a list `[{name, ...}]` (Continue YAML) of common entries. */
function fromCollection(v: unknown, scope: string, base: (string | number)[]): McpServer[] {
  if (Array.isArray(v)) {
    return v.flatMap((e, i) =>
      isObj(e) ? [fromCommon(str(e.name) ?? `server-${i + 1}`, e, scope, [...base, i])] : [],
    )
  }
  if (!isObj(v)) return []
  return Object.entries(v).flatMap(([name, e]) =>
    isObj(e) ? [fromCommon(name, e, scope, [...base, name])] : [],
  )
}

function fromZed(v: unknown, scope: string): McpServer[] {
  return Object.entries(obj(v)).flatMap(([name, raw]) => {
    if (!isObj(raw)) return []
    // Older Zed entries nest the process under `command: {path, args, env}`.
    const nested = isObj(raw.command) ? raw.command : undefined
    const e: Obj = nested
      ? {
          ...raw,
          command: str(nested.path) ?? str(nested.command),
          args: nested.args,
          env: nested.env,
        }
      : raw
    return [fromCommon(name, e, scope, ['context_servers', name])]
  })
}

function fromCodex(v: unknown, scope: string): McpServer[] {
  return Object.entries(obj(v)).flatMap(([name, e]) => {
    if (!isObj(e)) return []
    const s = fromCommon(name, { ...e, headers: e.http_headers }, scope, ['mcp_servers', name])
    const bearer = str(e.bearer_token_env_var)
    if (bearer) s.envRefs.push(bearer)
    s.envRefs.push(...Object.values(obj(e.env_http_headers)).filter((x) => typeof x === 'string'))
    s.envRefs.push(...strArray(e.env_vars))
    return [s]
  })
}

function fromGoose(v: unknown, scope: string): McpServer[] {
  return Object.entries(obj(v)).flatMap(([key, e]) => {
    if (!isObj(e)) return []
    const s = fromCommon(
      str(e.name) ?? key,
      { ...e, command: e.cmd, env: e.envs, url: e.uri ?? e.url },
      scope,
      ['extensions', key],
    )
    s.envRefs.push(...strArray(e.env_keys))
    return [s]
  })
}

function fromOpencode(v: unknown, scope: string): McpServer[] {
  return Object.entries(obj(v)).flatMap(([name, e]) => {
    if (!isObj(e)) return []
    // opencode keeps the whole argv in `command: [...]` and env in `environment`.
    const argv = Array.isArray(e.command) ? strArray(e.command) : []
    const entry: Obj = {
      ...e,
      command: argv[0] ?? str(e.command),
      args: argv.length > 0 ? argv.slice(1) : e.args,
      env: e.environment ?? e.env,
    }
    return [fromCommon(name, entry, scope, ['mcp', name])]
  })
}

/** Normalises every server a document declares; unknown shapes yield nothing. */
export function serversOf(shape: McpShape, doc: unknown, scope: string): McpServer[] {
  const root = obj(doc)
  switch (shape) {
    case 'mcpServers':
      return fromCollection(root.mcpServers, scope, ['mcpServers'])
    case 'claude-code': {
      const out = fromCollection(root.mcpServers, scope, ['mcpServers'])
      for (const [project, p] of Object.entries(obj(root.projects))) {
        out.push(
          ...fromCollection(obj(p).mcpServers, `local:${project}`, [
            'projects',
            project,
            'mcpServers',
          ]),
        )
      }
      return out
    }
    case 'vscode':
      return root.servers !== undefined
        ? fromCollection(root.servers, scope, ['servers'])
        : fromCollection(root.mcpServers, scope, ['mcpServers'])
    case 'vscode-settings': {
      const mcp = obj(root.mcp)
      return fromCollection(mcp.servers, scope, ['mcp', 'servers'])
    }
    case 'zed':
      return fromZed(root.context_servers, scope)
    case 'codex':
      return fromCodex(root.mcp_servers, scope)
    case 'goose':
      return fromGoose(root.extensions, scope)
    case 'opencode':
      return fromOpencode(root.mcp, scope)
  }
}

/** VS Code `inputs` ids and whether each is a password prompt (names only). */
export function inputsOf(doc: unknown, shape: McpShape): { id: string; password: boolean }[] {
  const root = obj(doc)
  const list = shape === 'vscode-settings' ? obj(root.mcp).inputs : root.inputs
  if (!Array.isArray(list)) return []
  return list.flatMap((i) =>
    isObj(i) && typeof i.id === 'string' ? [{ id: i.id, password: i.password === true }] : [],
  )
}
