import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { AppOrigin, GuardedContents } from '../../src/main/security'
import {
  denyAllPermissions,
  externalUrlVerdict,
  installNavigationGuards,
  isAppUrl,
  isTrustedSender,
  secureWebPreferences,
} from '../../src/main/security'

const FILE_APP: AppOrigin = {
  kind: 'file',
  indexUrl: 'file:///opt/AI%20Scout/resources/app.asar/out/renderer/index.html',
}
const DEV_APP: AppOrigin = { kind: 'dev', origin: 'http://localhost:5173' }

/** A stand-in for WebContents: records listeners and the window-open handler. */
function fakeContents() {
  const ee = new EventEmitter()
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined
  const contents = {
    on: (event: string, l: (...a: unknown[]) => void) => ee.on(event, l),
    setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
  } as unknown as GuardedContents
  const navigate = (event: string, url: string): boolean => {
    let prevented = false
    ee.emit(event, { preventDefault: () => (prevented = true), url }, url)
    return prevented
  }
  return { contents, navigate, open: (url: string) => openHandler!({ url }) }
}

describe('main-process security policy (no Electron needed)', () => {
  it('pins the window to a sandboxed, isolated renderer without Node', () => {
    expect(secureWebPreferences('/app/out/preload/index.js')).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    })
  })

  it('knows the app page by its exact file or dev origin', () => {
    expect(isAppUrl(`${FILE_APP.indexUrl}#/findings`, FILE_APP)).toBe(true)
    expect(isAppUrl('file:///etc/passwd', FILE_APP)).toBe(false)
    expect(isAppUrl(`${FILE_APP.indexUrl}?x=1`, FILE_APP)).toBe(false)
    expect(isAppUrl('http://localhost:5173/#/overview', DEV_APP)).toBe(true)
    expect(isAppUrl('http://localhost:5174/', DEV_APP)).toBe(false)
    expect(isAppUrl('not a url', FILE_APP)).toBe(false)
  })

  it('stops every navigation away from the app, and keeps hash routes', () => {
    const f = fakeContents()
    installNavigationGuards(f.contents, FILE_APP, () => undefined)
    expect(f.navigate('will-navigate', 'https://evil.example/')).toBe(true)
    expect(f.navigate('will-navigate', 'file:///home/me/Downloads/model.html')).toBe(true)
    expect(f.navigate('will-redirect', 'http://127.0.0.1:8080/')).toBe(true)
    expect(f.navigate('will-frame-navigate', 'javascript:alert(1)')).toBe(true)
    expect(f.navigate('will-navigate', `${FILE_APP.indexUrl}#/inventory`)).toBe(false)
    expect(f.navigate('will-attach-webview', 'about:blank')).toBe(true)
  })

  it('never opens a window; https links go to the system browser, others nowhere', () => {
    const f = fakeContents()
    const opened: string[] = []
    installNavigationGuards(f.contents, FILE_APP, (u) => opened.push(u))
    for (const url of [
      'https://huggingface.co/acme/tiny-llm',
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://user:pw@example.com/',
      'smb://server/share',
      'https://localhost/',
      'vscode://file/x',
    ])
      expect(f.open(url)).toEqual({ action: 'deny' })
    expect(opened).toEqual(['https://huggingface.co/acme/tiny-llm'])
  })

  it('explains why a link is refused', () => {
    expect(externalUrlVerdict('http://example.com')).toEqual({
      ok: false,
      reason: 'only https links open in the browser (got http:)',
    })
    expect(externalUrlVerdict('https://exa mple.com')).toMatchObject({ ok: false })
    expect(externalUrlVerdict(`https://example.com/${'a'.repeat(3000)}`)).toMatchObject({
      ok: false,
    })
    expect(externalUrlVerdict('https://nvd.nist.gov/vuln/detail/CVE-2025-32434')).toEqual({
      ok: true,
      url: 'https://nvd.nist.gov/vuln/detail/CVE-2025-32434',
    })
  })

  it('denies every permission request and check', () => {
    let request: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | undefined
    let check: ((...a: unknown[]) => boolean) | undefined
    denyAllPermissions({
      setPermissionRequestHandler: (h) => (request = h),
      setPermissionCheckHandler: (h) => (check = h),
    })
    for (const p of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
      let granted: boolean | undefined
      request!(undefined, p, (g) => (granted = g))
      expect(granted).toBe(false)
      expect(check!(undefined, p)).toBe(false)
    }
  })

  it('answers IPC only from the main frame of our window at the app URL', () => {
    const expected = { webContentsId: 7, app: FILE_APP }
    const ok = { senderId: 7, frameIsMain: true, frameUrl: `${FILE_APP.indexUrl}#/overview` }
    expect(isTrustedSender(ok, expected)).toBe(true)
    expect(isTrustedSender({ ...ok, senderId: 8 }, expected)).toBe(false)
    expect(isTrustedSender({ ...ok, frameIsMain: false }, expected)).toBe(false)
    expect(isTrustedSender({ ...ok, frameUrl: 'https://evil.example/' }, expected)).toBe(false)
    expect(isTrustedSender({ ...ok, frameUrl: undefined }, expected)).toBe(false)
    expect(isTrustedSender(ok, { ...expected, webContentsId: undefined })).toBe(false)
  })
})
