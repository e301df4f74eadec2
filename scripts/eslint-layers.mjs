// A local ESLint rule, `layers/imports`: which files may import which. Each import is judged by
// where it lands, not by how its specifier is spelt: a relative specifier is resolved against
// the importing file (`../../core` and `../core/index.ts` are the same target), a bare one is
// judged by its package name, and Node built-ins by `module.isBuiltin`. Static imports, type
// imports, re-exports, `import()`, `require()` and `import x = require()` are all checked.
//
// Options (one object per configuration block; eslint.config.mjs holds the layer table):
//   layer     name used in messages
//   allow     globs of repository-relative targets (without extension) this layer may import;
//             a relative import landing anywhere else is reported
//   deny      globs refused even when `allow` matches
//   packages  { allow: [...] } (only these packages) or { deny: [...] } (all but these)
//   builtins  false: Node built-ins are refused
//   message   why, appended to every report
import { existsSync, statSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import picomatch from 'picomatch'

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json']

/** Repository-relative target of a relative specifier, without its extension. */
function resolveTarget(fromFile, spec, root) {
  // Vite's query suffixes (`./scan-worker?modulePath`) are not part of the path.
  const bare = spec.replace(/[?#].*$/, '')
  let abs = resolve(dirname(fromFile), bare)
  const ext = SOURCE_EXTENSIONS.find((e) => abs.endsWith(e))
  if (ext) abs = abs.slice(0, -ext.length)
  // A file wins over a folder of the same name (`./notebook` is notebook.ts, not notebook/).
  else if (!SOURCE_EXTENSIONS.some((e) => existsSync(abs + e)) && isDir(abs)) {
    abs = join(abs, 'index')
  }
  return relative(root, abs).split(sep).join('/')
}

function isDir(p) {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** `react-dom/client` → `react-dom`, `@fastify/static/x` → `@fastify/static`. */
function packageName(spec) {
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

const matcherCache = new Map()
function matcher(globs) {
  const key = JSON.stringify(globs ?? [])
  let m = matcherCache.get(key)
  if (!m) {
    m = globs?.length ? picomatch(globs, { dot: true }) : () => false
    matcherCache.set(key, m)
  }
  return m
}

const imports = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the layer rules: which folders and packages a file may import' },
    schema: [
      {
        type: 'object',
        properties: {
          layer: { type: 'string' },
          allow: { type: 'array', items: { type: 'string' } },
          deny: { type: 'array', items: { type: 'string' } },
          packages: {
            type: 'object',
            properties: {
              allow: { type: 'array', items: { type: 'string' } },
              deny: { type: 'array', items: { type: 'string' } },
            },
            additionalProperties: false,
          },
          builtins: { type: 'boolean' },
          message: { type: 'string' },
        },
        required: ['layer'],
        additionalProperties: false,
      },
    ],
    messages: { refused: "[{{layer}}] '{{spec}}'{{where}} is not allowed here: {{message}}" },
  },
  create(context) {
    const opts = context.options[0] ?? {}
    const root = context.cwd
    const allowed = matcher(opts.allow)
    const denied = matcher(opts.deny)
    const file = context.filename
    const refuse = (node, spec, where) =>
      context.report({
        node,
        messageId: 'refused',
        data: { layer: opts.layer, spec, where, message: opts.message ?? '' },
      })
    const check = (node, spec) => {
      if (typeof spec !== 'string') return
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = resolveTarget(file, spec, root)
        if (!allowed(target) || denied(target)) refuse(node, spec, ` (${target})`)
        return
      }
      if (isBuiltin(spec)) {
        if (opts.builtins === false) refuse(node, spec, ' (a Node built-in)')
        return
      }
      const pkg = packageName(spec)
      const p = opts.packages
      if (p?.allow && !p.allow.includes(pkg)) refuse(node, spec, ' (a package)')
      else if (p?.deny?.includes(pkg)) refuse(node, spec, ' (a package)')
    }
    const literal = (n) => (n?.type === 'Literal' ? n.value : undefined)
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => check(node, literal(node.source)),
      TSImportEqualsDeclaration: (node) =>
        node.moduleReference.type === 'TSExternalModuleReference' &&
        check(node, literal(node.moduleReference.expression)),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') {
          check(node, literal(node.arguments[0]))
        }
      },
    }
  },
}

export default { meta: { name: 'aiscout-layers' }, rules: { imports } }
