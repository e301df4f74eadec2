import { useEffect, useState } from 'react'

export const THEMES = ['system', 'light', 'dark'] as const
export type Theme = (typeof THEMES)[number]
const KEY = 'aiscout-theme'

function stored(): Theme {
  try {
    const v = window.localStorage.getItem(KEY)
    return (THEMES as readonly string[]).includes(v ?? '') ? (v as Theme) : 'system'
  } catch {
    return 'system'
  }
}

/** The OS's light/dark preference unless the user picked one (kept in this browser). */
export function useTheme(): [Theme, (t: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(stored)
  useEffect(() => {
    const root = document.documentElement
    if (theme === 'system') root.removeAttribute('data-theme')
    else root.setAttribute('data-theme', theme)
    try {
      window.localStorage.setItem(KEY, theme)
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, [theme])
  return [theme, setTheme]
}
