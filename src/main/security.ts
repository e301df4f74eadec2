/**
 * The main process's security policy, as plain functions over small structural types so tests
 * drive them without Electron (src/main/index.ts wires them to the real objects).
 *
 * Electron's checklist: contextIsolation, sandbox, no nodeIntegration, a strict CSP (in
 * index.html), no navigation away from the app, no new windows, external links validated and
 * opened by the system browser, every permission request denied, IPC only from our own frame.
 */

/** The renderer page's own URL: the packaged file, or the dev server in `npm run dev`. */
export type AppOrigin = Readonly<
  { kind: 'file'; indexUrl: string } | { kind: 'dev'; origin: string }
>

/** True for a URL inside the app (same file, optionally with a #route; or the dev server's origin). */
export function isAppUrl(url: string, app: AppOrigin): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (app.kind === 'dev') return u.origin === app.origin
  const base = new URL(app.indexUrl)
  return u.protocol === 'file:' && u.pathname === base.pathname && u.search === ''
}

const MAX_EXTERNAL_URL = 2048

/**
 * Whether a link may be handed to the system browser: https only, a real host, no credentials
 * in the URL, no control characters. Everything else is refused (file:, javascript:, custom
 * protocol handlers, http:).
 */
export function externalUrlVerdict(
  url: string,
): Readonly<{ ok: true; url: string } | { ok: false; reason: string }> {
  if (url.length > MAX_EXTERNAL_URL) return { ok: false, reason: 'the link is too long' }
  if (/[\u0000-\u001f\u007f\s]/.test(url))
    return { ok: false, reason: 'the link holds spaces or control characters' }
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return { ok: false, reason: 'not a valid link' }
  }
  if (u.protocol !== 'https:')
    return { ok: false, reason: `only https links open in the browser (got ${u.protocol})` }
  if (u.username || u.password)
    return { ok: false, reason: 'links with credentials are not opened' }
  if (!u.hostname || !/^[a-z0-9.-]+$/i.test(u.hostname) || !u.hostname.includes('.'))
    return { ok: false, reason: 'the link has no valid host' }
  return { ok: true, url: u.href }
}

/** The parts of Electron's WebContents the guards use. */
export type GuardedContents = {
  on(
    event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate',
    listener: (e: { preventDefault(): void; url?: string }, url?: string) => void,
  ): unknown
  on(event: 'will-attach-webview', listener: (e: { preventDefault(): void }) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
}

/**
 * No navigation: the app is one page with hash routes; any other URL (a dropped file, a link
 * without a handler, a redirect) is stopped. New windows are never created; an https link is
 * passed to the system browser instead.
 */
export function installNavigationGuards(
  contents: GuardedContents,
  app: AppOrigin,
  openExternal: (url: string) => void,
): void {
  const stop = (e: { preventDefault(): void; url?: string }, url?: string): void => {
    const target = url ?? e.url ?? ''
    if (!isAppUrl(target, app)) e.preventDefault()
  }
  contents.on('will-navigate', stop)
  contents.on('will-redirect', stop)
  contents.on('will-frame-navigate', stop)
  contents.on('will-attach-webview', (e) => e.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    const v = externalUrlVerdict(url)
    if (v.ok) openExternal(v.url)
    return { action: 'deny' }
  })
}

/** Every permission (camera, notifications, clipboard-read, geolocation, …) is denied. */
export function denyAllPermissions(session: {
  setPermissionRequestHandler(
    h: (wc: unknown, permission: string, cb: (granted: boolean) => void) => void,
  ): void
  setPermissionCheckHandler(h: (...a: unknown[]) => boolean): void
}): void {
  session.setPermissionRequestHandler((_wc, _permission, cb) => cb(false))
  session.setPermissionCheckHandler(() => false)
}

/**
 * IPC is answered only for our window's top frame, at the app's own URL (GHSA-mq8j-3h7h-p8g7:
 * check the sender frame). A subframe or a page that navigated elsewhere gets nothing.
 */
export function isTrustedSender(
  sender: Readonly<{ senderId: number; frameIsMain: boolean; frameUrl: string | undefined }>,
  expected: Readonly<{ webContentsId: number | undefined; app: AppOrigin }>,
): boolean {
  return (
    expected.webContentsId !== undefined &&
    sender.senderId === expected.webContentsId &&
    sender.frameIsMain &&
    sender.frameUrl !== undefined &&
    isAppUrl(sender.frameUrl, expected.app)
  )
}

/** The BrowserWindow webPreferences: fixed, so a test can pin every value. */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  } as const
}
