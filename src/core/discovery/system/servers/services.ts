import type { ListeningSocket } from '../../types'

/**
 * Local AI services, identified by process (name or command line) and default port. A process
 * match is strong; a port alone identifies a service only when the owning process is not visible
 * to this user and the port is distinctive (11434 is Ollama, 8080 is anything).
 */
export type ServiceSpec = Readonly<{
  id: string
  name: string
  defaultPorts: readonly number[]
  /** Tested against the process name and the command line. */
  process: RegExp
  /** The port alone is enough when no process information is available. */
  portIdentifies?: boolean
  /** Flags that turn on authentication for this server (recorded as a boolean, never the value). */
  authFlag?: RegExp
  /**
   * Helper processes of the same product that listen on private random ports (Jupyter kernels
   * over ZeroMQ, Ollama model runners): not servers a user runs, so not reported.
   */
  exclude?: RegExp
}>

export const SERVICES: readonly ServiceSpec[] = [
  {
    id: 'ollama',
    name: 'Ollama',
    defaultPorts: [11434],
    process: /(^|[\\/\s])ollama(\.exe)?(\s|$)|ollama serve/i,
    exclude: /\srunner(\s|$)/,
    portIdentifies: true,
  },
  {
    id: 'lm-studio',
    name: 'LM Studio',
    defaultPorts: [1234],
    process: /lm[ -]?studio|(^|[\\/])lms(\.exe)?(\s|$)|llmster/i,
    portIdentifies: true,
  },
  {
    id: 'jupyter',
    name: 'Jupyter',
    defaultPorts: [8888, 8889, 8890, 8891, 8892, 8893, 8894, 8895, 8896, 8897, 8898, 8899],
    process: /jupyter|notebook\.app|jupyterlab|voila/i,
    exclude: /ipykernel_launcher|-m ipykernel|[\\/]kernel-[\w-]+\.json/,
    portIdentifies: false,
  },
  {
    id: 'vllm',
    name: 'vLLM',
    defaultPorts: [8000],
    process: /\bvllm\b/i,
    authFlag: /--api-key[=\s]\S/,
  },
  {
    id: 'localai',
    name: 'LocalAI',
    defaultPorts: [8080],
    process: /local-?ai/i,
    authFlag: /--api-keys?[=\s]\S/,
  },
  {
    id: 'llama-cpp',
    name: 'llama.cpp server',
    defaultPorts: [8080],
    process: /llama-server|llama_cpp\.server|llama\.cpp|(^|[\\/])server\s.*-m\s\S+\.gguf/i,
    authFlag: /--api-key(-file)?[=\s]\S/,
  },
  { id: 'open-webui', name: 'Open WebUI', defaultPorts: [3000, 8080], process: /open[-_]webui/i },
  {
    id: 'text-generation-webui',
    name: 'text-generation-webui',
    defaultPorts: [7860, 5000],
    process: /text-generation-webui|oobabooga/i,
  },
  {
    id: 'comfyui',
    name: 'ComfyUI',
    defaultPorts: [8188],
    process: /comfyui/i,
    portIdentifies: true,
  },
  {
    id: 'sglang',
    name: 'SGLang',
    defaultPorts: [30000],
    process: /\bsglang\b/i,
    authFlag: /--api-key[=\s]\S/,
  },
  {
    id: 'tgi',
    name: 'Text Generation Inference',
    defaultPorts: [8080, 3000],
    process: /text-generation-launcher|text-generation-router/i,
  },
  {
    id: 'gradio',
    name: 'Gradio app',
    defaultPorts: [7860],
    process: /gradio/i,
    portIdentifies: true,
  },
  // Listed last: "mcp" in a command line is the weakest signal.
  {
    id: 'mcp-http',
    name: 'MCP HTTP server',
    defaultPorts: [],
    process: /(^|[\s\\/@_-])mcp([\s\\/@_.-]|$)|modelcontextprotocol|fastmcp/i,
  },
]

export type Identified = Readonly<{ spec: ServiceSpec; by: 'process' | 'port' }>

export function identify(s: ListeningSocket): Identified | undefined {
  const text = `${s.process ?? ''} ${s.commandLine ?? ''}`.trim()
  if (text) {
    // Prefer a spec whose default port also matches (llama.cpp vs LocalAI on 8080).
    const matches = SERVICES.filter((sp) => sp.process.test(text) && !sp.exclude?.test(text))
    const best = matches.find((sp) => sp.defaultPorts.includes(s.port)) ?? matches[0]
    return best ? { spec: best, by: 'process' } : undefined
  }
  const byPort = SERVICES.find((sp) => sp.portIdentifies && sp.defaultPorts.includes(s.port))
  return byPort ? { spec: byPort, by: 'port' } : undefined
}

/** 127.0.0.0/8, ::1, IPv4-mapped loopback and `localhost` are loopback; everything else is reachable from a network. */
export function isLoopback(address: string): boolean {
  const a = address
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
  return (
    a === 'localhost' ||
    a === '::1' ||
    /^127\./.test(a) ||
    /^::ffff:127\./.test(a) ||
    a === '0:0:0:0:0:0:0:1'
  )
}

/** Jupyter started with an empty token (`--ServerApp.token=''` and the older/newer spellings). */
export function jupyterTokenDisabled(commandLine: string): boolean {
  return /--(?:NotebookApp|ServerApp|IdentityProvider)\.token(?:=|\s+)(?:''|""|(?=\s|$))/.test(
    commandLine,
  )
}

/** Jupyter started with an empty password as well as no token, or with auth turned off outright. */
export function jupyterAuthDisabled(commandLine: string): boolean {
  return (
    jupyterTokenDisabled(commandLine) &&
    !/--(?:NotebookApp|ServerApp|PasswordIdentityProvider)\.(?:hashed_)?password(?:=|\s+)(?!''|""|\s|$)\S/.test(
      commandLine,
    )
  )
}
