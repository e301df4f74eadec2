/**
 * A helper Worker reads directories with readdirSync and answers on its own MessagePort, so the
 * caller picks answers up synchronously (receiveMessageOnPort) between its own reads. Each answer
 * is one string (readout.ts): far cheaper to post than arrays of small strings. Two kinds of
 * message:
 * - a batch of folders (NUL-separated): each folder's entries, one level (the caller decides
 *   which subfolders to read next);
 * - SUBTREE_MARK, then a few folders: the helper walks them depth-first itself, with the skip
 *   rules it was started with (workerData.rules, types.ts SubtreeRules), up to workerData.max
 *   folders, and answers with the files the caller wants, the folders it could not read, the
 *   folders it has not reached yet, and its counts.
 * The rules are applied here exactly as the caller's skipDir and onFile decide (walker tests run
 * the same trees both ways).
 */
export const SUBTREE_MARK = '\u0001'

export const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { lstatSync, readdirSync } = require('node:fs')
const port = workerData.port
const sep = workerData.sep
const max = workerData.max
// Entries one answer carries at most, and the entries of a folder above which the helper hands the
// folder back for the caller to read in slices: an answer is one string, and the caller hands
// all of it to its callbacks at once, so it must stay small whatever the folder (back-pressure
// is checked between answers).
const maxOut = workerData.maxOut
const big = workerData.big
const rules = workerData.rules
const pruned = rules && new Set(rules.prunedNames)
const cacheParents = rules && new Set(rules.cacheParents)
const kept = rules && new Set(rules.keptCacheNames)
const pairs = rules && new Map(rules.prunedPairs.map((p) => [p[0] + '\\0' + p[1], p[2]]))
const claimed = rules && new Set(rules.claimedDirs)
const names = rules && new Set(rules.files.names)
const lowerNames = rules && new Set(rules.files.lowerNames)
const exts = rules && new Set(rules.files.extensions)
const prefixes = rules ? rules.files.lowerPrefixes : []
const noExt = rules && rules.files.noExtension

function ruleFor(name, parent) {
  if (pruned.has(name)) return name
  if (cacheParents.has(parent) && !kept.has(name)) return 'cache'
  return pairs.get(name + '\\0' + parent)
}

function wanted(name) {
  if (names.has(name)) return true
  const lower = name.toLowerCase()
  if (lowerNames.has(lower)) return true
  for (const p of prefixes) if (lower.startsWith(p)) return true
  const dot = lower.lastIndexOf('.')
  return dot <= 0 ? noExt : exts.has(lower.slice(dot))
}

// As skips.ts unreadableName: a name not valid UTF-8 (decoded with U+FFFD) names no path.
function unreadableName(path, name) {
  if (!name.includes('\\uFFFD')) return false
  try {
    lstatSync(path)
    return false
  } catch (e) {
    return !!e && e.code === 'ENOENT'
  }
}

function baseName(dir) {
  let end = dir.length
  while (end > 1 && dir[end - 1] === sep) end--
  return dir.slice(dir.lastIndexOf(sep, end - 1) + 1, end)
}

function subtrees(roots) {
  const out = []
  const counts = {}
  // Each folder with its name: the parent name of its entries.
  const stack = roots
  const stackNames = roots.map(baseName)
  let dirs = 0
  let files = 0
  while (stack.length > 0 && dirs < max && out.length < maxOut) {
    const dir = stack.pop()
    const parent = stackNames.pop()
    let es
    try {
      es = readdirSync(dir, { withFileTypes: true })
    } catch (e) {
      out.push('E' + ((e && e.code) || 'EIO') + '/' + dir)
      continue
    }
    if (es.length > big) {
      out.push('B' + dir)
      continue
    }
    dirs++
    const prefix = dir.endsWith(sep) ? dir : dir + sep
    for (const e of es) {
      const name = e.name
      if ((e.isDirectory() || e.isFile()) && unreadableName(prefix + name, name)) {
        out.push('EEILSEQ/' + prefix + name)
        continue
      }
      if (e.isDirectory()) {
        const path = prefix + name
        const rule = ruleFor(name, parent) || (claimed.has(path) ? 'claimed' : undefined)
        if (rule !== undefined) counts[rule] = (counts[rule] || 0) + 1
        else {
          stack.push(path)
          stackNames.push(name)
        }
      } else if (e.isFile()) {
        if (wanted(name)) out.push('F' + prefix + name)
        else files++
      }
    }
  }
  for (const d of stack) out.push('P' + d)
  out.push('S' + dirs + ',' + files + ',' + JSON.stringify(counts))
  return out.join('\\0')
}

port.on('message', (joined) => {
  if (joined.charCodeAt(0) === 1) {
    port.postMessage(subtrees(joined.slice(1).split('\\0')))
    return
  }
  const parts = []
  for (const dir of joined.split('\\0')) {
    if (parts.length >= maxOut) {
      parts.push('/-')
      continue
    }
    let es
    try {
      es = readdirSync(dir, { withFileTypes: true })
    } catch (e) {
      parts.push('/' + ((e && e.code) || 'EIO'))
      continue
    }
    if (es.length > big) {
      parts.push('/+')
      continue
    }
    for (const e of es) parts.push((e.isFile() ? 'f' : e.isDirectory() ? 'd' : 'o') + e.name)
    parts.push('/')
  }
  parts.push('')
  port.postMessage(parts.join('\\0'))
})
`
