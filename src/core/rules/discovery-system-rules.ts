import { ADVISORY_IDS } from './package-advisories'
import type { Rule } from './types'

/** Rules raised by the system discovery area: AI packages, model servers and AI platform configs. */
export const DISCOVERY_SYSTEM_RULES: readonly Rule[] = [
  {
    id: 'package.vulnerable',
    domain: 'discovery',
    severity: 'high',
    title: 'AI package with a known vulnerability',
    why: 'An installed AI package version is affected by a published advisory (model-loading code execution, template injection, path traversal). Loading an untrusted model or serving an API with it can run an attacker’s code on this machine.',
    fix: 'Upgrade the package in that environment to the fixed version named in the finding (pip install -U <package>, or conda update), or remove the environment if it is no longer used.',
    cwe: [502, 1336, 22],
    advisories: ADVISORY_IDS,
  },
  {
    id: 'server.exposed-to-network',
    domain: 'posture',
    severity: 'high',
    title: 'Local AI server reachable from the network',
    why: 'The server listens on all interfaces or a LAN address instead of loopback. Local model servers (Ollama, LM Studio, llama.cpp, vLLM) and MCP HTTP servers usually have no authentication, so anyone on the same network can use the models, read or pull data, or call tools.',
    fix: 'Bind the server to 127.0.0.1 (for Ollama unset OLLAMA_HOST=0.0.0.0; for others pass --host 127.0.0.1), or put it behind authentication and a firewall rule.',
    cwe: [1327, 306],
  },
  {
    id: 'server.jupyter-no-token',
    domain: 'posture',
    severity: 'critical',
    title: 'Jupyter server running without a token',
    why: 'Jupyter was started with its token (and password) disabled. A Jupyter server executes arbitrary code for whoever reaches it: bound to the network this is remote code execution for anyone on it; on loopback, other local users and web pages can still reach it.',
    fix: "Restart Jupyter without --ServerApp.token='' / --NotebookApp.token='' / --IdentityProvider.token='', keep it on 127.0.0.1, and set a password if a token is inconvenient.",
    cwe: [306],
  },
  {
    id: 'platform.token-in-config',
    domain: 'posture',
    severity: 'medium',
    title: 'AI platform credential stored in plain text',
    why: 'A configuration file that connects this machine to an AI platform or cluster (Databricks, AWS, Kubernetes, Modal, RunPod, Hugging Face, W&B) holds a literal token or secret key. Anything that can read your home directory (malware, a synced backup, a leaked dotfiles repository) gets access to that platform.',
    fix: 'Prefer short-lived or keychain-backed credentials (OAuth/SSO login, credential helpers, exec plugins), restrict the file to your user (chmod 600), and rotate the credential if the file was ever shared.',
    cwe: [256, 522],
  },
]
