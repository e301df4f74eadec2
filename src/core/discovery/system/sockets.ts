import { readdirSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import type { ListeningSocket, SocketsPort } from '../types'
import { runQuery } from './exec'
import { readHeadText } from '../../util/fs'

/**
 * The production SocketsPort: which TCP sockets listen on this machine, and which process owns
 * each (when the OS lets this user see it).
 *
 * - Linux: /proc/net/tcp and /proc/net/tcp6 (state `0A` = LISTEN), socket inode → pid through the
 *   /proc/<pid>/fd links of processes we may read, then /proc/<pid>/comm and /proc/<pid>/cmdline.
 *   Nothing is executed.
 * - macOS: `lsof -nP -iTCP -sTCP:LISTEN -F pcn` then `ps -ww -o pid=,command= -p <pids>`.
 * - Windows: `netstat -ano -p tcp` and `-p tcpv6`, then `tasklist /fo csv /nh` for image names
 *   (command lines are not available without WMI, so Windows identification is by name and port).
 * Commands run without a shell or stdin, with a 5 s timeout and a cap on output.
 */
export function createSocketsPort(
  opts: Readonly<{ procRoot?: string; platform?: NodeJS.Platform }> = {},
): SocketsPort {
  const platform = opts.platform ?? process.platform
  return {
    listening: async () => {
      try {
        if (platform === 'linux') return await linuxListening(opts.procRoot ?? '/proc')
        if (platform === 'darwin') return await darwinListening()
        if (platform === 'win32') return await windowsListening()
      } catch {
        // A failed socket probe means "unknown", never a failed scan.
      }
      return []
    },
  }
}

// ---- Linux /proc -----------------------------------------------------------------------------

export type ProcSocket = Readonly<{ address: string; port: number; inode: number }>

function ipv4FromHex(hex: string): string {
  // /proc stores the address as a host-order (little-endian on x86/arm) 32-bit word.
  const b = [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16))
  return b.join('.')
}

/** Compresses eight 16-bit groups into RFC 5952 text (`::`, `::1`, `fe80::1`, `::ffff:1.2.3.4`). */
export function formatIpv6(groups: readonly number[]): string {
  if (groups.length === 8 && groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const a = groups[6] ?? 0
    const b = groups[7] ?? 0
    return `::ffff:${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`
  }
  let bestStart = -1
  let bestLen = 0
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < groups.length && groups[j] === 0) j++
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i
      bestLen = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart < 0) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`
}

function ipv6FromHex(hex: string): string {
  // Four 32-bit words, each in host (little-endian) order.
  const bytes: number[] = []
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8)
    for (const i of [6, 4, 2, 0]) bytes.push(Number.parseInt(word.slice(i, i + 2), 16))
  }
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0))
  return formatIpv6(groups)
}

/** Parses /proc/net/tcp or tcp6 text; only LISTEN (`0A`) rows. */
export function parseProcNetTcp(text: string): ProcSocket[] {
  const out: ProcSocket[] = []
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/)
    if (cols.length < 10 || cols[3] !== '0A') continue
    const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(cols[1] ?? '')
    if (!m?.[1] || !m[2]) continue
    const address = m[1].length === 8 ? ipv4FromHex(m[1]) : ipv6FromHex(m[1])
    const inode = Number.parseInt(cols[9] ?? '', 10)
    out.push({
      address,
      port: Number.parseInt(m[2], 16),
      inode: Number.isFinite(inode) ? inode : 0,
    })
  }
  return out
}

const MAX_PIDS = 8192
const MAX_FDS_PER_PID = 8192
const CMDLINE_CAP = 8192

/**
 * Socket inode → owning pid, from the /proc/<pid>/fd links of the processes this user may read.
 * Synchronous on purpose: procfs answers from kernel memory, never the disk, and a desktop has a
 * few hundred such links; as promises each one costs a thread-pool round trip, several times the
 * CPU in all (bench/startup-bench.mjs), spent while the crawl needs that thread.
 */
function socketOwners(proc: string, wanted: ReadonlySet<number>): Map<number, number> {
  const owner = new Map<number, number>()
  let pids: string[] = []
  try {
    pids = readdirSync(proc)
      .filter((n) => /^\d+$/.test(n))
      .slice(0, MAX_PIDS)
  } catch {
    pids = []
  }
  for (const pid of pids) {
    if (owner.size === wanted.size) break
    let fds: string[]
    try {
      fds = readdirSync(join(proc, pid, 'fd')).slice(0, MAX_FDS_PER_PID)
    } catch {
      continue // another user's process: not visible, not an error
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(join(proc, pid, 'fd', fd)))
        const inode = m?.[1] ? Number(m[1]) : 0
        if (wanted.has(inode) && !owner.has(inode)) owner.set(inode, Number(pid))
      } catch {
        // fd closed while reading
      }
    }
  }
  return owner
}

async function linuxListening(proc: string): Promise<ListeningSocket[]> {
  const sockets: ProcSocket[] = []
  for (const f of ['tcp', 'tcp6']) {
    try {
      sockets.push(
        ...parseProcNetTcp(
          await readHeadText(join(proc, 'net', f), 4 * 1024 * 1024, { stripBom: true }),
        ),
      )
    } catch {
      // tcp6 is absent when IPv6 is disabled.
    }
  }
  if (sockets.length === 0) return []
  const owner = socketOwners(proc, new Set(sockets.map((s) => s.inode).filter((i) => i > 0)))
  const info = new Map<number, { process?: string; commandLine?: string }>()
  for (const pid of new Set(owner.values())) {
    const read = async (f: string): Promise<string | undefined> => {
      try {
        return await readHeadText(join(proc, String(pid), f), CMDLINE_CAP, { stripBom: true })
      } catch {
        return undefined
      }
    }
    const comm = (await read('comm'))?.trim()
    const cmd = (await read('cmdline'))?.replace(/\0+$/, '').replace(/\0/g, ' ').trim()
    info.set(pid, { process: comm || undefined, commandLine: cmd || undefined })
  }
  return sockets.map((s) => {
    const pid = owner.get(s.inode)
    return { address: s.address, port: s.port, pid, ...(pid !== undefined ? info.get(pid) : {}) }
  })
}

// ---- macOS lsof ----------------------------------------------------------------------------

/** Splits `host:port` where host may be `*`, an IPv4 or a bracketed IPv6 address. */
export function splitHostPort(s: string): { address: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|(.*)):(\d+)$/.exec(s.trim())
  if (!m?.[3]) return undefined
  const address = m[1] ?? m[2] ?? ''
  return { address: address === '*' ? '0.0.0.0' : address, port: Number(m[3]) }
}

/** Parses `lsof -F pcn` output: `p<pid>`, `c<command>`, `n<host:port>` records. */
export function parseLsofFields(text: string): ListeningSocket[] {
  const out: ListeningSocket[] = []
  let pid: number | undefined
  let command: string | undefined
  for (const line of text.split('\n')) {
    const tag = line[0]
    const value = line.slice(1)
    if (tag === 'p') {
      pid = Number.parseInt(value, 10)
      command = undefined
    } else if (tag === 'c') command = value
    else if (tag === 'n') {
      const hp = splitHostPort(value.replace(/\s*\(LISTEN\)$/, ''))
      if (hp) out.push({ ...hp, pid: Number.isFinite(pid) ? pid : undefined, process: command })
    }
  }
  return out
}

/** Parses `ps -o pid=,command=` lines. */
export function parsePsCommands(text: string): Map<number, string> {
  const m = new Map<number, string>()
  for (const line of text.split('\n')) {
    const r = /^\s*(\d+)\s+(.*)$/.exec(line)
    if (r?.[1] && r[2]) m.set(Number(r[1]), r[2].slice(0, CMDLINE_CAP))
  }
  return m
}

async function darwinListening(): Promise<ListeningSocket[]> {
  const lsof = await runQuery('lsof', ['-nP', '-iTCP', '-sTCP:LISTEN', '-F', 'pcn'])
  if (lsof.kind !== 'ok') return []
  const sockets = parseLsofFields(lsof.stdout)
  const pids = [
    ...new Set(sockets.map((s) => s.pid).filter((p): p is number => p !== undefined)),
  ].slice(0, 2000)
  if (pids.length === 0) return sockets
  const ps = await runQuery('ps', ['-ww', '-o', 'pid=,command=', '-p', pids.join(',')])
  const cmds = ps.kind === 'ok' ? parsePsCommands(ps.stdout) : new Map<number, string>()
  return sockets.map((s) => ({
    ...s,
    commandLine: s.pid !== undefined ? cmds.get(s.pid) : undefined,
  }))
}

// ---- Windows netstat ---------------------------------------------------------------------------

/** Parses `netstat -ano` rows in LISTENING state. */
export function parseNetstat(text: string): ListeningSocket[] {
  const out: ListeningSocket[] = []
  for (const line of text.split(/\r?\n/)) {
    const cols = line.trim().split(/\s+/)
    if (cols[0] !== 'TCP' || cols.length < 5 || !/^LISTEN/i.test(cols[3] ?? '')) continue
    const hp = splitHostPort(cols[1] ?? '')
    const pid = Number.parseInt(cols[4] ?? '', 10)
    if (hp) out.push({ ...hp, pid: Number.isFinite(pid) ? pid : undefined })
  }
  return out
}

/** Parses `tasklist /fo csv /nh`: `"ollama.exe","1234","Console","1","12,345 K"`. */
export function parseTasklist(text: string): Map<number, string> {
  const m = new Map<number, string>()
  for (const line of text.split(/\r?\n/)) {
    const r = /^"([^"]*)","(\d+)"/.exec(line.trim())
    if (r?.[1] && r[2]) m.set(Number(r[2]), r[1])
  }
  return m
}

async function windowsListening(): Promise<ListeningSocket[]> {
  const rows: ListeningSocket[] = []
  for (const proto of ['tcp', 'tcpv6']) {
    const r = await runQuery('netstat', ['-ano', '-p', proto])
    if (r.kind === 'ok') rows.push(...parseNetstat(r.stdout))
  }
  const tl = await runQuery('tasklist', ['/fo', 'csv', '/nh'])
  const names = tl.kind === 'ok' ? parseTasklist(tl.stdout) : new Map<number, string>()
  return rows.map((s) => ({ ...s, process: s.pid !== undefined ? names.get(s.pid) : undefined }))
}
