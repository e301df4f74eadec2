import type { Rule } from './types'

/**
 * Violations of fleet policies (src/core/policy): an admin defines the policy on the server, the
 * device evaluates it after every scan and sync. A policy may set its own severity; these are the
 * defaults. Each finding's title names the policy.
 */
export const POLICY_RULES: readonly Rule[] = [
  {
    id: 'policy.model-format',
    domain: 'posture',
    severity: 'high',
    title: 'Model format not allowed by policy',
    why: 'Your organisation allows only some model formats on its machines (formats such as pickle can run code when loaded). This model is stored in a format the policy does not allow.',
    fix: 'Delete the model or replace it with a copy in an allowed format (for example safetensors or GGUF), or ask your security team for an exception.',
  },
  {
    id: 'policy.model-source',
    domain: 'posture',
    severity: 'high',
    title: 'Model source not allowed by policy',
    why: 'Your organisation allows models only from some sources (Hugging Face organisations, Ollama, local stores). This model came from a source the policy does not allow, so nobody vetted its publisher.',
    fix: 'Delete the model and fetch it from an allowed source, or ask your security team to allow this one.',
  },
  {
    id: 'policy.scan-settings',
    domain: 'posture',
    severity: 'medium',
    title: 'Required scan setting is off',
    why: 'Your organisation requires some AI Scout settings on every machine: model hashing (so the fleet can be searched by a model hash) or the background watcher (so new assets are seen when they appear).',
    fix: 'Turn the setting on in AI Scout Settings (Scan: "Hash model files"; Background: "Watch for changes"), or scan without `--no-hash`.',
  },
  {
    id: 'policy.mcp-runner',
    domain: 'posture',
    severity: 'high',
    title: 'MCP server uses a forbidden runner',
    why: 'Your organisation forbids starting MCP servers with some commands (package runners such as npx or uvx download and run code on every start; docker can mount the whole machine).',
    fix: 'Install the MCP server as a pinned, reviewed dependency and start it directly, or remove it from the client configuration.',
  },
  {
    id: 'policy.unpinned-package',
    domain: 'posture',
    severity: 'high',
    title: 'MCP server runs an unpinned package (policy)',
    why: 'Your organisation requires MCP servers started through a package runner to pin an exact version: without one, every start may fetch and run a new release, including a malicious one.',
    fix: 'Pin the package to an exact, reviewed version in the MCP client configuration (for example `pkg@1.2.3` or `pkg==1.2.3`).',
  },
  {
    id: 'policy.key-file-mode',
    domain: 'posture',
    severity: 'high',
    title: 'Key file permissions wider than policy allows',
    why: 'A file holding an AI key can be read by more users than your organisation allows: any of them (or a process running as them) can copy the key.',
    fix: 'Restrict the file, e.g. `chmod 600 FILE`, or move the key into a secret manager.',
  },
  {
    id: 'policy.invalid',
    domain: 'posture',
    severity: 'low',
    title: 'Policy could not be evaluated',
    why: 'The server sent a policy this version of AI Scout cannot read (an unknown type or a malformed field), so the device cannot say whether it complies.',
    fix: 'Update AI Scout on this device, or correct the policy in the dashboard.',
  },
]
