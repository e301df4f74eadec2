import { request } from 'node:http'
import type { DiscoveryContext, ListeningSocket, Locator } from '../../types'
import { identify, isLoopback, jupyterAuthDisabled, type ServiceSpec } from './services'

export type ModelServerOptions = Readonly<{
  /**
   * Send one GET to 127.0.0.1 per identified Ollama server (`/api/version`) to confirm it and read
   * its version. The only network traffic discovery may send; off unless asked for.
   */
  identifyOverLoopback?: boolean
  /** Timeout of that request. */
  requestTimeoutMs?: number
}>

/** One GET to loopback with a short timeout and a 4 KiB response cap; `undefined` on anything unexpected. */
export function loopbackGetJson(port: number, path: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'GET',
        timeout: timeoutMs,
        headers: { accept: 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (b: Buffer) => {
          size += b.length
          if (size > 4096) req.destroy()
          else chunks.push(b)
        })
        res.on('end', () => {
          try {
            resolve(
              res.statusCode === 200
                ? JSON.parse(Buffer.concat(chunks).toString('utf8'))
                : undefined,
            )
          } catch {
            resolve(undefined)
          }
        })
        res.on('error', () => resolve(undefined))
      },
    )
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(undefined))
    req.end()
  })
}

type Group = { spec: ServiceSpec; by: 'process' | 'port'; port: number; sockets: ListeningSocket[] }

async function locateModelServers(ctx: DiscoveryContext, opts: ModelServerOptions): Promise<void> {
  let sockets: readonly ListeningSocket[]
  try {
    sockets = await ctx.sockets.listening()
  } catch (e) {
    ctx.emitSkipped({
      path: 'sockets:',
      reason: 'error',
      message: `listening sockets: ${String(e)}`,
    })
    return
  }
  // One asset per service and port: a server on 0.0.0.0 and :: at once is one server.
  const groups = new Map<string, Group>()
  for (const s of sockets.slice(0, 10_000)) {
    if (!Number.isInteger(s.port) || s.port <= 0 || s.port > 65535) continue
    const id = identify(s)
    if (!id) continue
    const key = `${id.spec.id}:${s.port}`
    const g = groups.get(key)
    if (g) g.sockets.push(s)
    else groups.set(key, { spec: id.spec, by: id.by, port: s.port, sockets: [s] })
  }
  for (const g of groups.values()) {
    const addresses = [...new Set(g.sockets.map((s) => s.address))].sort()
    const exposed = addresses.filter((a) => !isLoopback(a))
    const first = g.sockets.find((s) => s.commandLine || s.process) ?? g.sockets[0]
    const commandLine = first?.commandLine ?? ''
    const pids = [
      ...new Set(g.sockets.map((s) => s.pid).filter((p): p is number => p !== undefined)),
    ]
    const isJupyter = g.spec.id === 'jupyter'
    const noToken = isJupyter && commandLine !== '' && jupyterAuthDisabled(commandLine)
    let version: string | undefined
    if ((opts.identifyOverLoopback ?? ctx.identifyServers) && g.spec.id === 'ollama') {
      const body = await loopbackGetJson(g.port, '/api/version', opts.requestTimeoutMs ?? 1500)
      const v = (body as { version?: unknown } | undefined)?.version
      if (typeof v === 'string' && /^[\w.+-]{1,40}$/.test(v)) version = v
    }
    const bind = exposed[0] ?? addresses[0] ?? '127.0.0.1'
    const host = bind.includes(':') ? `[${bind}]` : bind
    const assetId = ctx.emitAsset({
      kind: 'model-server',
      path: `tcp://${host}:${g.port}`,
      identity: `model-server:${g.spec.id}:${g.port}`,
      name: g.spec.name,
      version,
      source: 'model-servers',
      details: {
        scope: 'machine',
        service: g.spec.id,
        port: g.port,
        addresses,
        exposedToNetwork: exposed.length > 0,
        identifiedBy: g.by,
        // The process name only: command lines can carry keys and are never stored.
        process: first?.process?.slice(0, 100) ?? null,
        pids,
        defaultPort: g.spec.defaultPorts.includes(g.port),
        authConfigured: isJupyter
          ? commandLine === ''
            ? null
            : !noToken
          : g.spec.authFlag
            ? commandLine === ''
              ? null
              : g.spec.authFlag.test(commandLine)
            : null,
      },
    })
    if (isJupyter && noToken) {
      ctx.emitFinding({
        ruleId: 'server.jupyter-no-token',
        severity: exposed.length > 0 ? 'critical' : 'medium',
        message:
          exposed.length > 0
            ? `Jupyter on port ${g.port} listens on ${exposed.join(', ')} with its token disabled: anyone who can reach this machine can run code as you.`
            : `Jupyter on port ${g.port} runs with its token disabled; it listens only on loopback, but any local process or web page that reaches it can run code as you.`,
        path: `tcp://${host}:${g.port}`,
        assetId,
      })
    } else if (exposed.length > 0) {
      ctx.emitFinding({
        ruleId: 'server.exposed-to-network',
        message: `${g.spec.name} on port ${g.port} listens on ${exposed.join(', ')}, reachable from other machines on the network.`,
        path: `tcp://${host}:${g.port}`,
        assetId,
      })
    }
  }
}

export function createModelServerLocator(opts: ModelServerOptions = {}): Locator {
  return {
    id: 'model-servers',
    besideCrawl: true,
    title: 'Local model servers, notebooks and MCP HTTP servers listening on TCP',
    locate: (ctx) => locateModelServers(ctx, opts),
  }
}
